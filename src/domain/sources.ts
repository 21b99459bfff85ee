// Where an action came from: the page address's utm_source, utm_medium, utm_campaign, utm_content
// and src (the organisation's own tag), and the share link it came through (`ref`, the referral
// code of another supporter's action). Bounded and checked: a value that does not look like a tag
// is dropped, never an error (nobody should fail to act because of a link's tail).
import type { Campaign, Locale } from './campaign';

export const SOURCE_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'src'] as const;
export type SourceKey = (typeof SOURCE_KEYS)[number];
export type ActionSource = Partial<Record<SourceKey, string>>;

/** Letters, digits and the punctuation tags use; 100 characters at most. */
const TAG = /^[\p{L}\p{N} ._~:/@+-]{1,100}$/u;
const REFERRAL = /^[A-Za-z0-9_-]{10,16}$/;

export function cleanSource(raw: unknown): ActionSource | null {
  if (!raw || typeof raw !== 'object') return null;
  const source: ActionSource = {};
  for (const key of SOURCE_KEYS) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === 'string' && TAG.test(value.trim())) source[key] = value.trim();
  }
  return Object.keys(source).length > 0 ? source : null;
}

export const cleanReferral = (raw: unknown): string | null => (typeof raw === 'string' && REFERRAL.test(raw) ? raw : null);

/** Below this many, the sharer is not told how many wrote: one or two would point at the friends they told. */
export const REFERRALS_SHOWN_FROM = 3;

/** The campaign's address as a supporter shares it: with their code when they have one. */
export function shareUrlOf(publicUrl: string, campaign: Pick<Campaign, 'slug'>, locale: Locale, referralCode: string | null): string {
  const query = new URLSearchParams({ lang: locale });
  if (referralCode) query.set('ref', referralCode);
  return `${publicUrl}/campaigns/${campaign.slug}?${query.toString()}`;
}
