// A campaigner asks the directory to fetch a postal code's representatives again now (after a
// by-election, say), instead of waiting for its refresh age. One Represent request, in the budget.
import { invalidPostalCode } from './composeLetters';
import { AppError } from './errors';
import { lookupError } from './mpLookup';
import { normalisePostalCode } from './postalCode';
import type { RepresentativeFinder } from './ports';

export async function refreshPostcode(finder: RepresentativeFinder, raw: unknown) {
  const postalCode = normalisePostalCode(raw);
  if (!postalCode) throw invalidPostalCode();
  const answer = await finder.find(postalCode, { maxAgeMs: 0 });
  if (answer.kind === 'unknown_code') throw lookupError(answer);
  if (answer.kind === 'unavailable') throw lookupError(answer);
  // Represent could not answer: what the directory has is not a refresh.
  if (answer.stale) throw new AppError('lookup_unavailable', { internal: 'Represent could not answer the refresh' });
  const { lookup } = answer;
  return {
    postalCode,
    fetchedAt: lookup.fetchedAt,
    officeholders: lookup.officeholders.map((h) => ({ level: h.level, office: h.office, name: h.name, district: h.district })),
  };
}
