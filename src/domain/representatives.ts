// Finding the supporter's MP. The Represent adapter turns Represent's answer into a
// RepresentativeLookup; this module decides what the supporter must do with it.
import { AppError } from './errors';

/** One Member of Parliament, as the API shows it (fields Represent lacks are null). */
export interface Representative {
  name: string;
  district: string;
  party: string | null;
  email: string | null;
  photoUrl: string | null;
  province: string | null;
  url: string | null;
}

export interface RepresentativeLookup {
  postalCode: string;
  /** One per federal riding the postal code touches. */
  representatives: Representative[];
  /** True when the postal code lies in more than one federal riding: the supporter must choose. */
  ambiguous: boolean;
  city: string | null;
  province: string | null;
}

export interface RepresentativeFinder {
  /** Throws AppError `postal_code_not_found` or `lookup_unavailable`. */
  find(postalCode: string): Promise<RepresentativeLookup>;
}

/** Compares riding names the way people type them: case, accents and dash styles do not matter. */
export const sameDistrict = (a: string, b: string): boolean => districtKey(a) === districtKey(b);

const districtKey = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s*[\u2010-\u2015-]+\s*/g, '-')
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/**
 * The supporter's MP: the only one, or the one of the riding they chose when the postal code
 * spans several. Throws `district_required` (with the choices) when they have not chosen well,
 * and `postal_code_not_found` when Represent knows the code but lists no MP for it.
 */
export function chooseRepresentative(lookup: RepresentativeLookup, district: string | undefined | null): Representative {
  const { representatives } = lookup;
  if (representatives.length === 0) {
    throw new AppError('postal_code_not_found', 'No Member of Parliament is listed for this postal code.');
  }
  if (!lookup.ambiguous) return representatives[0];
  const chosen = district ? representatives.find((r) => sameDistrict(r.district, district)) : undefined;
  if (chosen) return chosen;
  throw new AppError('district_required', 'This postal code spans more than one riding: choose yours.', {
    choices: representatives.map((r) => ({ district: r.district, name: r.name })),
  });
}
