// Finding the representatives of a postal code (Represent, behind its cache and shared budget).
// The finder answers with an outcome, never by throwing: what each outcome means for a
// supporter is decided in mpLookup.ts.
import type { PostalCode } from '../postalCode';
import type { RepresentativeLookup } from '../representatives';

export type FinderAnswer =
  /** `stale`: Represent could not answer now, and this is the last answer it gave (older than asked for). */
  | { kind: 'found'; lookup: RepresentativeLookup; stale?: boolean }
  /** Represent does not know this postal code. */
  | { kind: 'unknown_code' }
  /**
   * Represent cannot answer now (down, slow, over its limit, or our shared budget is spent);
   * `visitorLimited`: this visitor has spent their own share of the budget, others may still ask.
   */
  | { kind: 'unavailable'; retryAfterMs: number | null; why: string; visitorLimited?: boolean };

export interface FindOptions {
  /** Who asks (a key for their address), so no one visitor spends the budget everyone shares. */
  visitor?: string | null;
  /**
   * An answer older than this is asked for again (default: the directory's refresh age). When
   * Represent cannot answer, the older one is served, marked stale: known beats unknown.
   */
  maxAgeMs?: number;
  /** Only an answer fetched after this will do, even when Represent is down (the members after an election). */
  freshAfter?: Date | null;
}

export interface RepresentativeFinder {
  find(postalCode: PostalCode, options?: FindOptions): Promise<FinderAnswer>;
}
