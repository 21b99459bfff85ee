// Canadian postal codes: A1A 1A1. D, F, I, O, Q and U never appear; W and Z never lead.
// This is the same pattern Represent uses to validate the codes it stores.
const PATTERN = /^[ABCEGHJKLMNPRSTVXY]\d[ABCEGHJKLMNPRSTVWXYZ]\d[ABCEGHJKLMNPRSTVWXYZ]\d$/;

/** Normalises any case, spacing or hyphen to `A1A 1A1`; null when it cannot be a Canadian postal code. */
export function normalisePostalCode(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/[\s-]+/g, '').toUpperCase();
  if (!PATTERN.test(compact)) return null;
  return `${compact.slice(0, 3)} ${compact.slice(3)}`;
}

/** The form Represent wants in its URLs: upper case, no space. */
export const compactPostalCode = (normalised: string): string => normalised.replace(' ', '');

const PROVINCE_BY_LETTER: Record<string, string> = {
  A: 'NL', B: 'NS', C: 'PE', E: 'NB', G: 'QC', H: 'QC', J: 'QC',
  K: 'ON', L: 'ON', M: 'ON', N: 'ON', P: 'ON', R: 'MB', S: 'SK', T: 'AB', V: 'BC', Y: 'YT',
};

/** Province or territory of a normalised postal code, from its first letter (X splits by FSA). */
export function provinceOf(normalised: string): string | null {
  const first = normalised[0];
  if (first === 'X') return ['X0A', 'X0B', 'X0C'].includes(normalised.slice(0, 3)) ? 'NU' : 'NT';
  return PROVINCE_BY_LETTER[first] ?? null;
}
