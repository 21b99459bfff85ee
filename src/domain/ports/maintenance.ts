// The worker's housekeeping: runs claimed once across processes, ridings filled in later, retention.
import type { PostalCode } from '../postalCode';

export interface MaintenanceStore {
  /** True for exactly one caller per `everyMs` across every worker (the run is recorded first). */
  claimRun(name: string, everyMs: number): Promise<boolean>;
  pendingRidings(limit: number): Promise<Array<{ actionId: string; postalCode: PostalCode }>>;
  setRiding(actionId: string, district: string | null): Promise<void>;
}

export interface RetentionStore {
  /** When the campaign's last action was taken (a campaign closed in its definition has no close date). */
  lastActionAt(slug: string): Promise<Date | null>;
  /** Scrubs up to `limit` actions of the campaign still holding personal data; returns what it did. */
  scrubBatch(slug: string, limit: number): Promise<{ actions: number; supporters: number; consents: number; letters: number; copies: string[] }>;
  logErasure(by: string, rows: Record<string, number>): Promise<void>;
}
