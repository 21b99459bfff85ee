// What a campaign is, as the rest of the service sees it. Campaigns are data (data/campaigns/<slug>/);
// src/adapters/campaignLoader.ts reads and validates them at start.
import { officeLabel, type Level } from './offices';
import type { Pacing } from './pacing';

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export type Localised = Record<Locale, string>;

export type CampaignStatus = 'open' | 'paused' | 'closed';

/** letter: each supporter's letters go to the targets. petition: supporters sign; the organisation delivers one letter with every name. */
export type CampaignKind = 'letter' | 'petition';

/** Officeholders who already agree with the campaign: thanked with their own template, or skipped. */
export interface Agreement {
  /** Each by name, riding, or both (as Represent writes them; case and accents do not matter). */
  who: Array<{ name: string | null; district: string | null }>;
  then: 'thank' | 'skip';
}

/** The supporter's federal MP: the same as `{kind: 'office', level: 'federal'}`. */
export interface MpTarget {
  id: string;
  kind: 'mp';
  agree: Agreement | null;
}

/** Whoever holds an elected office for the supporter's address, at any level. */
export interface OfficeTarget {
  id: string;
  kind: 'office';
  level: Level;
  /** Represent's `elected_office` values to write to ("Mayor", "Councillor"); null = every office of the level. */
  offices: string[] | null;
  agree: Agreement | null;
}

export interface FixedTarget {
  id: string;
  kind: 'fixed';
  name: string;
  role: Localised;
  /** Required for letter campaigns; a petition's targets get the bundle from the organisation. */
  email: string | null;
}

export type Target = MpTarget | OfficeTarget | FixedTarget;

/** The office a target writes to, or null for a fixed person. */
export function officeOf(target: Target): { level: Level; offices: string[] | null; agree: Agreement | null } | null {
  if (target.kind === 'mp') return { level: 'federal', offices: null, agree: target.agree };
  if (target.kind === 'office') return { level: target.level, offices: target.level === 'federal' ? null : target.offices, agree: target.agree };
  return null;
}

export interface Campaign {
  slug: string;
  kind: CampaignKind;
  /** The definition's status; a campaigner's switch and the dates decide the current one (campaignLifecycle.ts). */
  status: CampaignStatus;
  startsAt: Date | null;
  endsAt: Date | null;
  goal: number | null;
  /** Hold each action until the supporter confirms it from an email. */
  confirm: boolean;
  /** Days personal data is kept after the campaign closes; null = until erased by hand. */
  retentionDays: number | null;
  /** Letters per target per hour, and office hours; null = send as fast as SendGrid takes them. */
  pacing: Pacing | null;
  locales: Locale[];
  /** MP offices answer constituents only, so a letter campaign normally asks for the street address. */
  requireAddress: boolean;
  organisation: { name: Localised; email: string; address: string };
  /**
   * The display name of each letter's From: `{supporter}` and `{organisation}` are filled in
   * ("Mei Tursun via Example Org"). The address stays MAIL_FROM's (DMARC); Reply-To the supporter.
   */
  senderName: Localised;
  /** Actions taken before or outside dearmp: shown in the public counter, kept out of stats. */
  counterOffset: number;
  /** The published version this is (each action records the one it was written from); absent for a draft. */
  version?: number;
  title: Localised;
  summary: Localised;
  contentWarning: Localised | null;
  body: Record<Locale, string[]>;
  /** Shown beside the Send button: what sending does with the supporter's data (kept as consent evidence). */
  sendNotice: Localised;
  /** The opt-in box for future updates (CASL express consent), kept word for word with each action. */
  updatesConsent: Localised;
  subjects: Record<Locale, string[]>;
  targets: Target[];
  /** The supporter ticks which targets to write to, at least `min` of them; null = every target. */
  chooseTargets: { min: number } | null;
  look: CampaignLook;
}

/** An image uploaded through the editor, with what it shows in words in each language. */
export interface CampaignImage {
  image: string;
  alt: Localised;
}

/** The organisation's look on the action page; each part optional. */
export interface CampaignLook {
  /** Fills the primary buttons and the page's band; 4.5:1 with white at least (accentColour.ts). */
  accentColour: string | null;
  logo: CampaignImage | null;
  hero: CampaignImage | null;
  /** What a supporter's share says, before the link. */
  shareText: Localised | null;
}

export const MP_ROLE: Localised = { en: 'Member of Parliament', fr: 'députée ou député' };

/** What a target is called before its holder is known ("your MPP" needs the province: "your provincial member"). */
export function roleOf(target: Target, locale: Locale): string {
  if (target.kind === 'fixed') return target.role[locale];
  if (target.kind === 'mp') return MP_ROLE[locale];
  return target.level === 'federal' ? MP_ROLE[locale] : officeLabel(target.level, target.offices, locale);
}

/** The locale to use for a request: the asked one when the campaign has it, else the campaign's first. */
export function pickLocale(campaign: Campaign, asked: unknown): Locale {
  const wanted = typeof asked === 'string' ? asked.slice(0, 2).toLowerCase() : '';
  return (campaign.locales as string[]).includes(wanted) ? (wanted as Locale) : campaign.locales[0];
}


export const DEFAULT_SENDER_NAME: Localised = { en: '{supporter} via {organisation}', fr: '{supporter} via {organisation}' };

/** Who a letter is from, as its recipient's mail program shows it. */
export function senderNameOf(campaign: Pick<Campaign, 'senderName' | 'organisation'>, locale: Locale, supporterName: string): string {
  return campaign.senderName[locale].replace(/\{(supporter|organisation)\}/g, (_, key: string) => (key === 'supporter' ? supporterName : campaign.organisation.name[locale]));
}
