// Canadian postal codes: A1A 1A1. D, F, I, O, Q and U never appear; W and Z never lead.
// This is the same pattern Represent uses to validate the codes it stores.
const PATTERN = /^[ABCEGHJKLMNPRSTVXY]\d[ABCEGHJKLMNPRSTVWXYZ]\d[ABCEGHJKLMNPRSTVWXYZ]\d$/;

/**
 * A postal code known to be well formed, written `A1A 1A1`. Only normalisePostalCode makes one,
 * so a function that takes a PostalCode never checks or reformats it again.
 */
export type PostalCode = string & { readonly __brand: 'PostalCode' };

/** Normalises any case, spacing or hyphen to `A1A 1A1`; null when it cannot be a Canadian postal code. */
export function normalisePostalCode(input: unknown): PostalCode | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/[\s-]+/g, '').toUpperCase();
  if (!PATTERN.test(compact)) return null;
  return `${compact.slice(0, 3)} ${compact.slice(3)}` as PostalCode;
}

/** `A1A1A1`: the form Represent wants in its URLs, and the one cache keys use. */
export const compactPostalCode = (postalCode: PostalCode): string => postalCode.replace(' ', '');

const PROVINCE_BY_LETTER: Record<string, string> = {
  A: 'NL', B: 'NS', C: 'PE', E: 'NB', G: 'QC', H: 'QC', J: 'QC',
  K: 'ON', L: 'ON', M: 'ON', N: 'ON', P: 'ON', R: 'MB', S: 'SK', T: 'AB', V: 'BC', Y: 'YT',
};

/** Province or territory of a postal code, from its first letter (X splits by FSA). */
export function provinceOf(postalCode: PostalCode): string | null {
  const first = postalCode[0];
  if (first === 'X') return ['X0A', 'X0B', 'X0C'].includes(postalCode.slice(0, 3)) ? 'NU' : 'NT';
  return PROVINCE_BY_LETTER[first] ?? null;
}
