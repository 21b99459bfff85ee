// Finding the representatives of a postal code (Represent, behind its cache and shared budget).
// The finder answers with an outcome, never by throwing: what each outcome means for a
// supporter is decided in mpLookup.ts.
import type { PostalCode } from '../postalCode';
import type { RepresentativeLookup } from '../representatives';

export type FinderAnswer =
  | { kind: 'found'; lookup: RepresentativeLookup }
  /** Represent does not know this postal code. */
  | { kind: 'unknown_code' }
  /** Represent cannot answer now (down, slow, over its limit, or our shared budget is spent). */
  | { kind: 'unavailable'; retryAfterMs: number | null; why: string };

export interface RepresentativeFinder {
  find(postalCode: PostalCode): Promise<FinderAnswer>;
}
