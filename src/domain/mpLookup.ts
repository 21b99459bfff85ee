// Finding the supporter's MP, as one outcome the caller switches on: found (with or without an
// email address), an unknown postal code, a postal code on several ridings (choose one), or
// Represent unavailable for now (and when to ask again). Nobody catches an exception to learn
// which: submitting, previewing, the lookups queue and petition ridings each decide what their
// outcome means for them.
import { AppError } from './errors';
import type { PostalCode } from './postalCode';
import type { FinderAnswer, RepresentativeFinder } from './ports';
import { sameDistrict, type Representative, type RepresentativeLookup } from './representatives';

export interface RidingChoice {
  district: string;
  name: string;
}

export type MpLookup =
  | { kind: 'found'; mp: Representative & { email: string } }
  /** Represent lists no email address for this MP: their letter cannot be sent. */
  | { kind: 'no_email'; mp: Representative }
  /** Represent does not know the postal code, or lists no MP for it. */
  | { kind: 'unknown_code' }
  /** The postal code spans several ridings and the supporter has not picked one of them. */
  | { kind: 'choose_riding'; choices: RidingChoice[] }
  | Extract<FinderAnswer, { kind: 'unavailable' }>;

export async function lookUpMp(finder: RepresentativeFinder, postalCode: PostalCode, district: string | null | undefined, visitor: string | null = null): Promise<MpLookup> {
  const answer = await finder.find(postalCode, { visitor });
  return answer.kind === 'found' ? chooseMp(answer.lookup, district) : answer;
}

/** The supporter's MP: the only one, or the one of the riding they chose when the postal code spans several. */
export function chooseMp(lookup: RepresentativeLookup, district: string | null | undefined): MpLookup {
  const { representatives } = lookup;
  if (representatives.length === 0) return { kind: 'unknown_code' };
  const mp = lookup.ambiguous ? (district ? representatives.find((r) => sameDistrict(r.district, district)) : undefined) : representatives[0];
  if (!mp) return { kind: 'choose_riding', choices: representatives.map((r) => ({ district: r.district, name: r.name })) };
  return mp.email ? { kind: 'found', mp: { ...mp, email: mp.email } } : { kind: 'no_email', mp };
}

/** The riding an outcome names, if any (an MP without an email still has a riding). */
export const ridingOf = (lookup: MpLookup): string | null => (lookup.kind === 'found' || lookup.kind === 'no_email' ? lookup.mp.district : null);

/** What a supporter is told when their request cannot go on without an MP: the contract's errors. */
export function lookupError(lookup: Extract<MpLookup, { kind: 'unknown_code' | 'choose_riding' | 'unavailable' }>): AppError {
  switch (lookup.kind) {
    case 'unknown_code':
      return new AppError('postal_code_not_found');
    case 'choose_riding':
      return new AppError('district_required', { choices: lookup.choices });
    case 'unavailable':
      // One visitor asked too much: theirs is a rate limit, not an outage.
      if (lookup.visitorLimited) return new AppError('rate_limited', { retryAfterSeconds: Math.ceil((lookup.retryAfterMs ?? 1000) / 1000) });
      return new AppError('lookup_unavailable', {
        internal: lookup.why,
        ...(lookup.retryAfterMs ? { retryAfterSeconds: Math.ceil(lookup.retryAfterMs / 1000) } : {}),
      });
  }
}

/** Why a letter waiting for its MP cannot be written, for its history. */
export const NO_EMAIL_REASON = 'Represent lists no email address for this MP.';
