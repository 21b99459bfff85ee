// The thank-you page after a no-JavaScript form post: the letters this request composed (who
// they go to, their subjects), and that a copy with the link to follow them is in the inbox. It
// says the same whether or not this mailbox had acted before: the mailbox alone is told which.
// (With JavaScript, the page's script shows the same from the API's answer.)
import type { Campaign, Locale } from '../../domain/campaign';
import type { SubmitResult } from '../../domain/submitAction';
import type { PageRenderer } from '../../adapters/pages';
import { fill } from '../../i18n';
import { layout } from './layout';
import { shareOf, shareSection } from './shareLinks';
import { shareUrlOf } from '../../domain/sources';

interface ThanksText {
  titleLetters: string;
  titleSignature: string;
  titleConfirm: string;
  inboxLetters: string;
  inboxSignature: string;
  confirmLetters: string;
  confirmSignature: string;
  noEmail: string;
}

/** What the page's script needs to show the same thanks from the API's answer. */
export function thanksText(renderer: PageRenderer, campaign: Campaign, locale: Locale) {
  const text = renderer.text(locale);
  const t = text.thanks as unknown as ThanksText & { lettersTitle: string; subject: string; mpPending: string };
  return {
    titleLetters: t.titleLetters,
    titleConfirm: t.titleConfirm,
    inboxLetters: t.inboxLetters,
    confirmLetters: t.confirmLetters,
    lettersTitle: t.lettersTitle,
    subject: t.subject,
    mpPending: t.mpPending,
    toMp: text.status.toMp,
    noEmail: fill(t.noEmail, { organisation: campaign.organisation.name[locale] }),
  };
}

export function thanksPage(
  renderer: PageRenderer,
  campaign: Campaign,
  result: SubmitResult,
  publicUrl: string,
  url: string,
  others: Array<{ title: string; href: string }>,
): string {
  const locale: Locale = result.locale;
  const text = renderer.text(locale);
  const t = text.thanks as unknown as ThanksText;
  const s = text.status;
  const signature = result.kind === 'petition';
  const title = campaign.title[locale];
  const heading = signature ? t.titleSignature : result.confirmationRequired ? t.titleConfirm : t.titleLetters;
  const inbox = result.confirmationRequired ? (signature ? t.confirmSignature : t.confirmLetters) : signature ? t.inboxSignature : t.inboxLetters;
  const campaignUrl = `${publicUrl}/campaigns/${campaign.slug}?lang=${locale}`;
  return renderer.render('thanks', locale, {
    heading,
    inbox,
    noEmail: fill(t.noEmail, { organisation: campaign.organisation.name[locale] }),
    letters: result.letters.map((l) => ({ to: l.recipient.name ?? s.toMp, role: l.recipient.name ? l.recipient.role : null, subject: l.subject })),
    share: { ...shareSection(s, shareOf(s, campaign, locale, signature, shareUrlOf(publicUrl, campaign, locale, result.referralCode)), signature), others },
    campaignUrl,
    layout: layout(renderer, locale, { title: `${heading} · ${title}`, campaign, url, skipTarget: 'thanks-title', skipLabel: heading, pageData: { page: 'thanks', lang: locale, text: { copied: s.copied, copyShareLink: s.copyShareLink } } }),
  });
}
