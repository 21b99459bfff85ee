// Finding the representatives of a postal code (Represent, behind its cache and shared budget).
// The finder answers with an outcome, never by throwing: what each outcome means for a
// supporter is decided in mpLookup.ts.
import type { PostalCode } from '../postalCode';
import type { RepresentativeLookup } from '../representatives';

export type FinderAnswer =
  | { kind: 'found'; lookup: RepresentativeLookup }
  /** Represent does not know this postal code. */
  | { kind: 'unknown_code' }
  /**
   * Represent cannot answer now (down, slow, over its limit, or our shared budget is spent);
   * `visitorLimited`: this visitor has spent their own share of the budget, others may still ask.
   */
  | { kind: 'unavailable'; retryAfterMs: number | null; why: string; visitorLimited?: boolean };

export interface RepresentativeFinder {
  /** `visitor`: who asks (a key for their address), so no one visitor spends the budget everyone shares. */
  find(postalCode: PostalCode, visitor?: string | null): Promise<FinderAnswer>;
}
