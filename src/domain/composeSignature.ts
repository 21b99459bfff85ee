// A petition signature: no letter is written per signer. The riding is looked up only to count
// signatures by riding; when Represent cannot answer now the signature is taken anyway and its
// riding filled in later (fillPendingRidings), and a postal code spanning several ridings is
// counted by province only unless the signer chose one.
import type { Campaign, Locale } from './campaign';
import { pickLocale } from './campaign';
import type { ActionInput } from './composeLetters';
import { lookUpMp, lookupError, ridingOf } from './mpLookup';
import type { PostalCode } from './postalCode';
import type { RepresentativeFinder } from './ports';

export interface ComposedSignature {
  locale: Locale;
  district: string | null;
  /** Represent could not answer: look the riding up later. */
  districtPending: boolean;
}

export async function composeSignature(
  finder: RepresentativeFinder,
  campaign: Campaign,
  postalCode: PostalCode,
  input: ActionInput,
  visitor: string | null = null,
): Promise<ComposedSignature> {
  const locale = pickLocale(campaign, input.locale);
  const lookup = await lookUpMp(finder, postalCode, input.district, visitor);
  // An unknown postal code is the signer's to fix; a riding not chosen is counted by province only.
  if (lookup.kind === 'unknown_code') throw lookupError(lookup);
  return { locale, district: ridingOf(lookup), districtPending: lookup.kind === 'unavailable' };
}
