// Finding representatives through Represent, politely. Three layers, fastest first: this
// process's memory, Redis (shared, hot), and the postal-code directory in PostgreSQL (every
// answer ever fetched, with its age). Represent is asked only when no layer has an answer young
// enough; identical lookups in flight share one request, and every request spends from the
// budget all processes share. When Represent cannot answer (down, over its limit, our budget
// spent), the directory's older answer is served, marked stale; with none, the lookup is
// "unavailable" (the letter waits), never a request over Represent's limit.
//
// In front of Redis, each process keeps the answers it read or fetched for a minute (a small LRU),
// and remembers for how long the shared budget is spent: a busy campaign asks Redis neither for
// the same few postal codes nor, past the budget, for a request it cannot have, on every submission.
import type Redis from 'ioredis';
import { compactPostalCode, type PostalCode } from '../../domain/postalCode';
import type { FinderAnswer, FindOptions, RepresentativeFinder } from '../../domain/ports';
import { toLookup } from './parse';
import type { PostcodeDirectory } from './postcodeDirectory';
import type { RepresentClient } from './representClient';
import type { Limiter } from './slidingWindowLimiter';

/** An unknown code is believed for an hour: Represent adds new postal codes. */
const UNKNOWN_TRUSTED_MS = 3600_000;
/** How long this process trusts what it read from the shared cache, and how many codes it keeps. */
const LOCAL_TTL_MS = 60_000;
const LOCAL_MAX = 2000;

/** A lasting answer (an outage is never kept), with when Represent gave it. */
type Known = { kind: 'found'; lookup: FoundLookup } | { kind: 'unknown_code'; fetchedAt: string };
type FoundLookup = Extract<FinderAnswer, { kind: 'found' }>['lookup'];

const fetchedAtOf = (known: Known): number => Date.parse(known.kind === 'found' ? known.lookup.fetchedAt : known.fetchedAt);

export interface FinderOptions {
  /** With `openForMs` (representBreaker.ts), a lookup while Represent is failing answers at once, spending no budget. */
  client: RepresentClient & { openForMs?(): number };
  redis: Redis;
  limiter: Limiter;
  keyPrefix: string;
  /** How long Redis keeps an answer (the hot layer). */
  cacheTtlSeconds: number;
  /** The directory: every answer with its age. Without it (unit tests), only the caches. */
  directory?: PostcodeDirectory;
  /** An answer older than this is fetched again when Represent can answer (default 30 days). */
  refreshAfterMs?: number;
  onRequest?: (outcome: 'ok' | 'not_found' | 'unavailable' | 'budget') => void;
  onCache?: (result: 'hit' | 'miss' | 'directory' | 'stale') => void;
  /** Milliseconds this process keeps an answer in memory (default 60 s, never past the Redis TTL). */
  localTtlMs?: number;
  now?: () => number;
}

/** A small map in insertion order: the oldest entries go first when it is full. */
function localCache(maxEntries: number) {
  const entries = new Map<string, { value: Known; until: number }>();
  return {
    get(key: string): Known | null {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.until <= Date.now()) {
        entries.delete(key);
        return null;
      }
      return entry.value;
    },
    set(key: string, value: Known, ttlMs: number): void {
      if (ttlMs <= 0) return;
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, until: Date.now() + ttlMs });
    },
  };
}

// v3: the cached value is a Known answer, with every level's officeholders and its fetch time.
const cacheKey = (prefix: string, postalCode: PostalCode) => `${prefix}:represent:v3:${compactPostalCode(postalCode)}`;

export const DEFAULT_REFRESH_AFTER_MS = 30 * 24 * 3600_000;

export function representFinder(options: FinderOptions): RepresentativeFinder {
  const { client, redis, limiter, directory } = options;
  const now = options.now ?? Date.now;
  const refreshAfterMs = options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  const inFlight = new Map<string, Promise<FinderAnswer>>();
  const local = localCache(LOCAL_MAX);
  const localTtlMs = (ttlSeconds: number) => Math.min(options.localTtlMs ?? LOCAL_TTL_MS, ttlSeconds * 1000);
  // The shared budget is a sliding window: once Redis says the next request may go in N ms, no
  // process can make it sooner, so asking again before then is a round trip for nothing.
  let budgetSpentUntil = 0;

  async function readCache(postalCode: PostalCode): Promise<Known | null> {
    const known = local.get(postalCode);
    if (known) return known;
    try {
      const key = cacheKey(options.keyPrefix, postalCode);
      // The value and its remaining life: kept here no longer than in Redis.
      const [[, raw], [, ttl]] = (await redis.pipeline().get(key).ttl(key).exec()) as [[unknown, string | null], [unknown, number]];
      if (!raw) return null;
      const value = JSON.parse(raw) as Known;
      local.set(postalCode, value, localTtlMs(ttl));
      return value;
    } catch {
      return null; // Redis away: a cache miss, not an error.
    }
  }

  async function writeCache(postalCode: PostalCode, value: Known): Promise<void> {
    const ttlSeconds = value.kind === 'found' ? options.cacheTtlSeconds : UNKNOWN_TRUSTED_MS / 1000;
    local.set(postalCode, value, localTtlMs(ttlSeconds));
    await redis.set(cacheKey(options.keyPrefix, postalCode), JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
  }

  async function readDirectory(postalCode: PostalCode): Promise<Known | null> {
    if (!directory) return null;
    try {
      const entry = await directory.get(postalCode);
      if (!entry) return null;
      return entry.answer === null
        ? { kind: 'unknown_code', fetchedAt: entry.fetchedAt.toISOString() }
        : { kind: 'found', lookup: toLookup(postalCode, entry.answer, entry.fetchedAt) };
    } catch {
      return null; // The database away: Represent (or the caches) still answer.
    }
  }

  /** Asks Represent, within the shared budget; a lasting answer goes to every layer. */
  async function fetch(postalCode: PostalCode, visitor: string | null): Promise<FinderAnswer> {
    const openMs = client.openForMs?.() ?? 0;
    if (openMs > 0) {
      options.onRequest?.('unavailable');
      const seconds = Math.ceil(openMs / 1000);
      return { kind: 'unavailable', retryAfterMs: seconds * 1000, why: `Represent keeps failing: not asked again for ${seconds} s.` };
    }
    let waitMs = budgetSpentUntil - Date.now();
    let visitorLimited = false;
    if (waitMs <= 0) {
      try {
        ({ waitMs, visitorLimited } = await limiter.tryAcquire(visitor));
      } catch {
        return { kind: 'unavailable', retryAfterMs: null, why: 'Redis is unreachable, so the shared Represent budget cannot be checked.' };
      }
      if (waitMs > 0 && !visitorLimited) budgetSpentUntil = Math.max(budgetSpentUntil, Date.now() + waitMs);
    }
    if (waitMs > 0) {
      options.onRequest?.('budget');
      // Whole seconds, as a Retry-After header says them.
      const retryAfterMs = Math.ceil(waitMs / 1000) * 1000;
      return visitorLimited
        ? { kind: 'unavailable', retryAfterMs, why: 'This visitor has spent their share of the Represent budget for now.', visitorLimited }
        : { kind: 'unavailable', retryAfterMs, why: 'The Represent request budget is spent for now.' };
    }
    const answer = await client.postcode(postalCode);
    const fetchedAt = new Date(now());
    if (answer.kind === 'unavailable') {
      options.onRequest?.('unavailable');
      return answer;
    }
    options.onRequest?.(answer.kind === 'found' ? 'ok' : 'not_found');
    const known: Known =
      answer.kind === 'found' ? { kind: 'found', lookup: toLookup(postalCode, answer.body, fetchedAt) } : { kind: 'unknown_code', fetchedAt: fetchedAt.toISOString() };
    await Promise.all([
      writeCache(postalCode, known),
      directory?.put(postalCode, { answer: answer.kind === 'found' ? answer.body : null, fetchedAt }).catch(() => undefined),
    ]);
    return known;
  }

  const asAnswer = (known: Known, stale = false): FinderAnswer =>
    known.kind === 'found' ? (stale ? { kind: 'found', lookup: known.lookup, stale } : known) : { kind: 'unknown_code' };

  return {
    async find(postalCode, findOptions: FindOptions = {}) {
      const maxAgeMs = Math.min(findOptions.maxAgeMs ?? refreshAfterMs, refreshAfterMs);
      const freshAfter = findOptions.freshAfter?.getTime() ?? null;
      /** Recent enough for this question: then Represent is not asked. */
      const young = (known: Known) => {
        const at = fetchedAtOf(known);
        const maxAge = known.kind === 'unknown_code' ? Math.min(maxAgeMs, UNKNOWN_TRUSTED_MS) : maxAgeMs;
        return now() - at <= maxAge && usable(known);
      };
      /** Good enough when Represent cannot answer: any answer, unless only one after an election will do. */
      const usable = (known: Known) => freshAfter === null || fetchedAtOf(known) > freshAfter;

      const cached = await readCache(postalCode);
      if (cached && young(cached)) {
        options.onCache?.('hit');
        return asAnswer(cached);
      }
      const stored = await readDirectory(postalCode);
      if (stored && young(stored)) {
        options.onCache?.('directory');
        await writeCache(postalCode, stored);
        return asAnswer(stored);
      }
      options.onCache?.('miss');
      let pending = inFlight.get(postalCode);
      if (!pending) {
        pending = fetch(postalCode, findOptions.visitor ?? null).finally(() => inFlight.delete(postalCode));
        inFlight.set(postalCode, pending);
      }
      const answer = await pending;
      if (answer.kind !== 'unavailable') return answer;
      // Stale but known beats unknown: the newest answer any layer has.
      const fallback = [cached, stored].filter((k): k is Known => k !== null && usable(k)).sort((a, b) => fetchedAtOf(b) - fetchedAtOf(a))[0];
      if (!fallback) return answer;
      options.onCache?.('stale');
      return asAnswer(fallback, true);
    },
  };
}
