// The invitation to share, on the thank-you page, the status page and in the JSON answer: the
// phone's own share sheet where the browser has one (the page's script), and plain links
// everywhere else. No third-party script, pixel or font: each is only a link that opens the
// service's own share page. Each link carries the supporter's referral code, so actions that
// come through it are counted to them, and `utm_medium` says which channel brought them.
import type { Campaign, Locale } from '../../domain/campaign';
import type { CampaignCatalog, CampaignStates } from '../../domain/ports';
import { fill } from '../../i18n';

export const SHARE_CHANNELS = ['whatsapp', 'facebook', 'x', 'bluesky', 'email'] as const;
export type ShareChannel = (typeof SHARE_CHANNELS)[number];

const withMedium = (url: string, medium: string) => `${url}&utm_source=share&utm_medium=${medium}`;

/** Stands for the share address in links made before it is known (the page's script puts it in). */
export const SHARE_URL_PLACEHOLDER = 'https://share.invalid/SHARE_URL';

export interface Share {
  /** The address to share (with the code); "copy link" gives this. */
  url: string;
  /** What the share says before the link (the campaign's share text, or ours). */
  text: string;
  subject: string;
  links: Record<ShareChannel, string>;
}

export function shareOf(status: Record<string, string>, campaign: Campaign, locale: Locale, signature: boolean, url: string): Share {
  const words = signature ? { subject: status.shareSubjectSignature, body: status.shareBodySignature } : { subject: status.shareSubject, body: status.shareBody };
  const text = campaign.look.shareText ? campaign.look.shareText[locale] : fill(words.body, { url: '' }).replace(/[\s:]+$/, '');
  const subject = fill(words.subject, { title: campaign.title[locale] });
  const e = encodeURIComponent;
  return {
    url,
    text,
    subject,
    links: {
      whatsapp: `https://wa.me/?text=${e(`${text} ${withMedium(url, 'whatsapp')}`)}`,
      facebook: `https://www.facebook.com/sharer/sharer.php?u=${e(withMedium(url, 'facebook'))}`,
      x: `https://x.com/intent/post?text=${e(text)}&url=${e(withMedium(url, 'x'))}`,
      bluesky: `https://bsky.app/intent/compose?text=${e(`${text} ${withMedium(url, 'bluesky')}`)}`,
      email: `mailto:?subject=${e(subject)}&body=${e(`${text} ${withMedium(url, 'email')}`)}`,
    },
  };
}

/** The share section's model for the page templates (share.hbs). */
export function shareSection(status: Record<string, string>, share: Share, signature: boolean) {
  return {
    title: signature ? status.shareSignature : status.share,
    url: share.url,
    text: share.text,
    links: SHARE_CHANNELS.map((channel) => ({ channel, href: share.links[channel], label: status[`shareOn_${channel}`] })),
  };
}

/** The organisation's other open campaigns, as a next step after acting. */
export async function otherCampaigns(
  deps: { campaigns: CampaignCatalog; states: CampaignStates },
  campaign: Campaign,
  locale: Locale,
): Promise<Array<{ title: string; href: string }>> {
  const others = deps.campaigns.list().filter((c) => c.slug !== campaign.slug);
  const states = await Promise.all(others.map((c) => deps.states.of(c).catch(() => ({ status: 'closed' as const }))));
  return others
    .filter((_, i) => states[i].status === 'open')
    .slice(0, 5)
    .map((c) => {
      const lang = (c.locales as string[]).includes(locale) ? locale : c.locales[0];
      return { title: c.title[lang], href: `/campaigns/${c.slug}?lang=${lang}` };
    });
}
