// A petition signature: no letter is written per signer. The riding is looked up only to count
// signatures by riding; when Represent cannot answer now the signature is taken anyway and its
// riding filled in later (fillPendingRidings), and a postal code spanning several ridings is
// counted by province only unless the signer chose one.
import type { Campaign, Locale } from './campaign';
import { pickLocale } from './campaign';
import type { ActionInput } from './composeLetters';
import { AppError } from './errors';
import type { RepresentativeFinder } from './representatives';
import { chooseRepresentative } from './representatives';

export interface ComposedSignature {
  locale: Locale;
  district: string | null;
  /** Represent could not answer: look the riding up later. */
  districtPending: boolean;
}

export async function composeSignature(finder: RepresentativeFinder, campaign: Campaign, postalCode: string, input: ActionInput): Promise<ComposedSignature> {
  const locale = pickLocale(campaign, input.locale);
  const riding = await findRiding(finder, postalCode, input.district);
  return { locale, ...riding };
}

export async function findRiding(
  finder: RepresentativeFinder,
  postalCode: string,
  chosen: string | undefined | null,
): Promise<{ district: string | null; districtPending: boolean }> {
  try {
    return { district: chooseRepresentative(await finder.find(postalCode), chosen).district, districtPending: false };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'lookup_unavailable') return { district: null, districtPending: true };
    if (error.code === 'district_required') return { district: null, districtPending: false };
    throw error;
  }
}
