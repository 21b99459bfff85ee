// The email asking a supporter to confirm their action, in their language. Plain-text Handlebars
// (templates/emails/confirm.<locale>.hbs), compiled once; the HTML twin comes from the text, with
// the link made clickable. The link opens a page whose button confirms: opening it changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../../domain/campaign';
import { LOCALES } from '../../domain/campaign';
import type { ConfirmationMessage } from '../../domain/confirmAction';
import { escapeHtml, textToHtml, tidyText } from '../campaigns/letterTemplates';
import { longDate } from '../../domain/letters';
import type { CampaignCatalog, ConfirmationEmail } from '../../domain/ports';

const SUBJECTS: Record<Locale, string> = {
  en: 'Please confirm: {{campaignTitle}}',
  fr: 'Veuillez confirmer : {{campaignTitle}}',
};

const confirmationUrl = (publicUrl: string, token: string, locale: Locale) => `${publicUrl}/confirm/${token}?lang=${locale}`;

export function confirmationEmails(templatesDir: string, campaigns: CampaignCatalog, publicUrl: string): (email: ConfirmationEmail) => ConfirmationMessage {
  const compile = (source: string) => Handlebars.compile(source, { strict: true, noEscape: true });
  const bodies = Object.fromEntries(
    LOCALES.map((locale) => [locale, compile(fs.readFileSync(path.join(templatesDir, 'emails', `confirm.${locale}.hbs`), 'utf8'))]),
  ) as Record<Locale, HandlebarsTemplateDelegate>;
  const subjects = Object.fromEntries(LOCALES.map((locale) => [locale, compile(SUBJECTS[locale])])) as Record<Locale, HandlebarsTemplateDelegate>;

  return (email) => {
    const campaign = campaigns.get(email.campaignSlug);
    const locale = email.locale;
    const confirmUrl = confirmationUrl(publicUrl, email.token, locale);
    const context = {
      firstName: email.supporter.firstName,
      campaignTitle: campaign.title[locale],
      organisation: campaign.organisation.name[locale],
      isPetition: campaign.kind === 'petition',
      confirmUrl,
      expires: longDate(locale, email.expiresAt),
    };
    const text = tidyText(bodies[locale](context));
    // Escaped as textToHtml escapes it, so it is found in the HTML.
    const link = escapeHtml(confirmUrl);
    return {
      // One line: a newline in a subject would break the mail header.
      subject: subjects[locale](context).replace(/\s+/g, ' ').trim(),
      text,
      html: textToHtml(text, locale).replace(link, `<a href="${link}">${link}</a>`),
    };
  };
}
