// The supporter's representatives, as Represent lists them for a postal code.
import type { Officeholder } from './offices';

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
  /** Every current elected office for the code, at every level (the federal MPs included). */
  officeholders: Officeholder[];
  /** When Represent gave this answer (ISO): how old what a letter was written from is. */
  fetchedAt: string;
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
