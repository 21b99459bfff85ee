// What the campaigners' side reads and changes: numbers, letters, retries, erasures.
import type { Level } from '../offices';
import type { LetterStatus } from '../letterStatus';
import type { LetterFilters, LetterHistory, LetterSummary } from '../letterSearch';

export interface StatsStore {
  actionCounts(slug: string): Promise<{ actions: number; lastHour: number; confirmed: number; unconfirmed: number }>;
  letterCounts(slug: string): Promise<Array<{ status: LetterStatus; count: number }>>;
  actionsByProvince(slug: string): Promise<Array<{ province: string | null; actions: number }>>;
  actionsByDistrict(slug: string): Promise<Array<{ district: string | null; actions: number }>>;
  actionsPerDay(slug: string): Promise<Array<{ day: string; actions: number }>>;
  /** Letters per target, office and status (an office target has a row per office it reached). */
  lettersByTarget(slug: string): Promise<Array<{ target: string; level: Level | null; office: string | null; status: LetterStatus; count: number }>>;
  /** Actions per utm_source and utm_medium (null: none given), and how many came through supporters' shares. */
  actionsBySource(slug: string): Promise<{ bySource: Array<{ source: string | null; medium: string | null; actions: number }>; fromShares: number }>;
  /** Letters per riding at each level. */
  lettersByDistrict(slug: string): Promise<Array<{ level: Level; district: string; letters: number }>>;
}

export interface LetterSearchStore {
  /** Newest first; `after` is the opaque cursor of the last letter already seen. */
  list(slug: string, filters: LetterFilters, limit: number, after: string | null): Promise<Array<LetterSummary & { cursor: string }>>;
  history(letterId: string): Promise<LetterHistory | null>;
}

export interface RetryStore {
  /** What retrying needs to know of a letter; null if there is none. */
  retryInfo(letterId: string): Promise<{ status: LetterStatus; campaignSlug: string; hasAddress: boolean; erased: boolean; confirmed: boolean } | null>;
  /** Failed, bounced or dropped letters of confirmed, not erased actions. */
  retryable(slug: string, statuses: LetterStatus[], limit: number): Promise<string[]>;
}

export interface ErasureStore {
  /** Erases in one transaction the supporter with this canonical email key; null when there is none. */
  erase(emailKey: string, by: string): Promise<{ rows: Record<string, number>; copies: string[] } | null>;
}
