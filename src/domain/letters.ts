// Writing a letter: the context every template sees, and the rendering port the
// Handlebars adapter implements. A letter is rendered once, stored, and sent as stored.
import type { Campaign, Locale, Target } from './campaign';
import { roleOf } from './campaign';
import type { Level } from './offices';
import type { PostalCode } from './postalCode';

export interface SupporterDetails {
  firstName: string;
  lastName: string;
  email: string;
  address: string | null;
  city: string | null;
  province: string | null;
  postalCode: PostalCode;
}

export interface Recipient {
  name: string;
  role: string;
  district: string | null;
  email: string | null;
  /** An elected office's holder: the office's short title and the salutation (offices.ts). */
  title?: string | null;
  salutation?: string | null;
  /** Represent's `elected_office` and its level; null for a fixed target. */
  office?: string | null;
  level?: Level | null;
}

/** Exactly what letter and subject templates may use (they are compiled strict). */
export interface LetterContext {
  supporter: SupporterDetails & { fullName: string; message: string | null };
  recipient: { name: string; role: string; district: string | null; title: string; salutation: string; office: string | null; level: Level | null };
  riding: string | null;
  campaign: { title: string };
  organisation: { name: string };
  date: string;
}

/** A petition's letter is written once for every signer: no supporter, no single recipient. */
export interface PetitionContext {
  campaign: { title: string };
  organisation: { name: string };
  date: string;
}

/** A letter as stored and sent: its HTML twin is made from the text when it is sent (textToHtml). */
export interface RenderedLetter {
  subject: string;
  text: string;
}

/** The petition's letter for the bundle, with its HTML. */
export interface PetitionLetter extends RenderedLetter {
  html: string;
}

// Made once: building a date formatter costs a hundred times more than using one.
const DATE_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-CA', { dateStyle: 'long', timeZone: 'America/Toronto' }),
  fr: new Intl.DateTimeFormat('fr-CA', { dateStyle: 'long', timeZone: 'America/Toronto' }),
};

/** A day as people write it, in Ottawa's time: "March 14, 2025" / "14 mars 2025" (letters, emails, pages). */
export const longDate = (locale: Locale, date: Date): string => DATE_FORMATS[locale].format(date);

export function letterContext(input: {
  campaign: Campaign;
  locale: Locale;
  supporter: SupporterDetails;
  message: string | null;
  recipient: Recipient;
  riding: string | null;
  now: Date;
}): LetterContext {
  const { campaign, locale, supporter, recipient } = input;
  return {
    supporter: { ...supporter, fullName: `${supporter.firstName} ${supporter.lastName}`, message: input.message },
    recipient: {
      name: recipient.name, role: recipient.role, district: recipient.district,
      title: recipient.title ?? recipient.role, salutation: recipient.salutation ?? defaultSalutation(recipient.name, input.locale),
      office: recipient.office ?? null, level: recipient.level ?? null,
    },
    riding: input.riding,
    campaign: { title: campaign.title[locale] },
    organisation: { name: campaign.organisation.name[locale] },
    date: longDate(locale, input.now),
  };
}

export function petitionContext(campaign: Campaign, locale: Locale, now: Date): PetitionContext {
  return { campaign: { title: campaign.title[locale] }, organisation: { name: campaign.organisation.name[locale] }, date: longDate(locale, now) };
}

export function fixedRecipient(target: Extract<Target, { kind: 'fixed' }>, locale: Locale): Recipient {
  return { name: target.name, role: roleOf(target, locale), district: null, email: target.email };
}

/** A fixed target's salutation: the name in English, the formal pair in French. */
const defaultSalutation = (name: string, locale: Locale): string => (locale === 'fr' ? 'Madame, Monsieur,' : `Dear ${name},`);
