// The emails to supporters about their own action, in their language: the request to confirm it,
// the receipt of a new action (each letter as sent, the status link) and the note to a mailbox
// that acted already. Plain-text Handlebars (templates/emails/<kind>.<locale>.hbs), compiled once;
// subjects are in templates/i18n; the HTML twin comes from the text, with the links made clickable.
// The confirmation link opens a page whose button confirms: opening it changes nothing.
import { shareUrlOf } from '../../domain/sources';
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../../domain/campaign';
import { LOCALES } from '../../domain/campaign';
import { longDate } from '../../domain/letters';
import type { CampaignCatalog, ConfirmationEmail, SupporterEmail } from '../../domain/ports';
import type { EmailMessage } from '../../domain/sendSupporterEmail';
import { fill, textOf } from '../../i18n';
import { escapeHtml, textToHtml, tidyText } from '../campaigns/letterTemplates';

type Kind = 'confirm' | 'receipt' | 'duplicate' | 'undelivered';

interface EmailText {
  confirmSubject: string;
  receiptSubjectLetters: string;
  receiptSubjectSignature: string;
  duplicateSubject: string;
  undeliveredSubject: string;
  officeTypes: Record<string, string>;
  toMp: string;
  pendingLetter: string;
}

export interface SupporterEmailWriter {
  confirmation(email: ConfirmationEmail): EmailMessage;
  /** A receipt or a note to a mailbox that acted already. */
  write(email: SupporterEmail): EmailMessage;
}

/** The status page of an action: the link only its supporter's mailbox ever gets. */
export const statusUrl = (publicUrl: string, actionId: string, token: string, locale: Locale): string =>
  `${publicUrl}/actions/${actionId}?token=${encodeURIComponent(token)}&lang=${locale}`;

/** A printable copy of one letter, to mail or hand in when the email did not arrive. */
export const printUrl = (publicUrl: string, actionId: string, letterId: string, token: string, locale: Locale): string =>
  `${publicUrl}/actions/${actionId}/letters/${letterId}?token=${encodeURIComponent(token)}&lang=${locale}`;

/** The page where the supporter stops updates from the organisation: the status link's secret proves the mailbox. */
export const updatesUrl = (publicUrl: string, actionId: string, token: string, locale: Locale): string =>
  `${publicUrl}/actions/${actionId}/updates?token=${encodeURIComponent(token)}&lang=${locale}`;

export function supporterEmailWriter(templatesDir: string, campaigns: CampaignCatalog, publicUrl: string): SupporterEmailWriter {
  const compile = (kind: Kind, locale: Locale) =>
    Handlebars.compile(fs.readFileSync(path.join(templatesDir, 'emails', `${kind}.${locale}.hbs`), 'utf8'), { strict: true, noEscape: true });
  const bodies = Object.fromEntries(
    (['confirm', 'receipt', 'duplicate', 'undelivered'] as const).map((kind) => [kind, Object.fromEntries(LOCALES.map((locale) => [locale, compile(kind, locale)]))]),
  ) as Record<Kind, Record<Locale, HandlebarsTemplateDelegate>>;

  /** The text, its one-line subject, and the HTML twin with its links clickable. */
  function message(kind: Kind, locale: Locale, subject: string, context: Record<string, unknown>, links: string[]): EmailMessage {
    const text = tidyText(bodies[kind][locale](context));
    let html = textToHtml(text, locale);
    // Escaped as textToHtml escapes it, so it is found in the HTML.
    for (const link of links.map(escapeHtml)) html = html.replace(link, `<a href="${link}">${link}</a>`);
    // One line: a newline in a subject would break the mail header.
    return { subject: subject.replace(/\s+/g, ' ').trim(), text, html };
  }

  const campaignOf = (slug: string, locale: Locale) => {
    const campaign = campaigns.get(slug);
    return { campaign, title: campaign.title[locale], organisation: campaign.organisation.name[locale], isPetition: campaign.kind === 'petition' };
  };

  return {
    confirmation(email) {
      const { locale } = email;
      const { title, organisation, isPetition } = campaignOf(email.campaignSlug, locale);
      const confirmUrl = `${publicUrl}/confirm/${email.token}?lang=${locale}`;
      const status = statusUrl(publicUrl, email.actionId, email.statusToken, locale);
      const updates = updatesUrl(publicUrl, email.actionId, email.statusToken, locale);
      const context = {
        firstName: email.supporter.firstName, campaignTitle: title, organisation, isPetition, confirmUrl, statusUrl: status, updatesUrl: updates,
        expires: longDate(locale, email.expiresAt),
      };
      const t = textOf(locale).emails as EmailText;
      return message('confirm', locale, fill(t.confirmSubject, { title }), context, [confirmUrl, status, updates]);
    },

    write(email) {
      const { locale } = email;
      const { title, organisation, isPetition } = campaignOf(email.campaignSlug, locale);
      const t = textOf(locale).emails as EmailText;
      const status = statusUrl(publicUrl, email.action.id, email.action.statusToken, locale);
      const updates = updatesUrl(publicUrl, email.action.id, email.action.statusToken, locale);
      // The receipt invites sharing too: the address with this action's code (shareLinks.ts).
      const campaign = campaigns.get(email.campaignSlug);
      const share = shareUrlOf(publicUrl, campaign, locale, email.action.referralCode);
      const context = {
        updatesUrl: updates,
        shareUrl: share,
        firstName: email.supporter.firstName,
        campaignTitle: title,
        organisation,
        isPetition,
        statusUrl: status,
        actedOn: longDate(locale, email.action.createdAt),
        pendingLetter: t.pendingLetter,
        letters: email.letters.map((l) => ({
          to: l.recipient.name ? `${l.recipient.name}, ${l.recipient.role}` : t.toMp,
          subject: l.subject ?? '',
          // A letter still waiting for its MP is written once they are found (pendingLetter says so).
          text: l.text ?? '',
        })),
      };
      if (email.kind === 'undelivered' && email.undelivered) {
        // Which office did not receive it, how else to reach it, and the letter to print.
        const letter = email.letters[0];
        const print = printUrl(publicUrl, email.action.id, email.undelivered.letterId, email.action.statusToken, locale);
        const offices = email.undelivered.contacts.map((c) => ({ kind: (c.type && t.officeTypes[c.type]) || t.officeTypes.other, tel: c.tel, postal: c.postal }));
        const to = letter?.recipient.name ? `${letter.recipient.name}, ${letter.recipient.role}` : (letter?.recipient.role ?? '');
        return message('undelivered', locale, fill(t.undeliveredSubject, { to: letter?.recipient.name ?? to }), { ...context, to, offices, printUrl: print }, [status, updates, print]);
      }
      const subject =
        email.kind === 'duplicate' ? t.duplicateSubject : isPetition ? t.receiptSubjectSignature : t.receiptSubjectLetters;
      return message(email.kind, locale, fill(subject, { title }), context, [status, updates, share]);
    },
  };
}
