// Finding MPs through Represent, politely: answers are cached in Redis, identical lookups in
// flight share one request, and every request spends from the budget all processes share.
// When the budget is spent or Redis is away, the lookup is "unavailable" (the letter waits),
// never a request over Represent's limit.
//
// In front of Redis, each process keeps the answers it read or fetched for a minute (a small LRU),
// and remembers for how long the shared budget is spent: a busy campaign asks Redis neither for
// the same few postal codes nor, past the budget, for a request it cannot have, on every submission.
import type Redis from 'ioredis';
import { compactPostalCode, type PostalCode } from '../../domain/postalCode';
import type { FinderAnswer, RepresentativeFinder } from '../../domain/ports';
import { toLookup } from './parse';
import type { RepresentClient } from './representClient';
import type { Limiter } from './slidingWindowLimiter';

const NOT_FOUND_TTL_SECONDS = 3600;
/** How long this process trusts what it read from the shared cache, and how many codes it keeps. */
const LOCAL_TTL_MS = 60_000;
const LOCAL_MAX = 2000;

/** What the cache keeps: Represent's two lasting answers (an outage is never cached). */
type Cached = Extract<FinderAnswer, { kind: 'found' | 'unknown_code' }>;

export interface FinderOptions {
  /** With `openForMs` (representBreaker.ts), a lookup while Represent is failing answers at once, spending no budget. */
  client: RepresentClient & { openForMs?(): number };
  redis: Redis;
  limiter: Limiter;
  keyPrefix: string;
  cacheTtlSeconds: number;
  onRequest?: (outcome: 'ok' | 'not_found' | 'unavailable' | 'budget') => void;
  onCache?: (result: 'hit' | 'miss') => void;
  /** Milliseconds this process keeps an answer in memory (default 60 s, never past the Redis TTL). */
  localTtlMs?: number;
}

/** A small map in insertion order: the oldest entries go first when it is full. */
function localCache(maxEntries: number) {
  const entries = new Map<string, { value: Cached; until: number }>();
  return {
    get(key: string): Cached | null {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.until <= Date.now()) {
        entries.delete(key);
        return null;
      }
      return entry.value;
    },
    set(key: string, value: Cached, ttlMs: number): void {
      if (ttlMs <= 0) return;
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, until: Date.now() + ttlMs });
    },
  };
}

// v2: the cached value is the finder's answer ({kind: 'found', lookup} | {kind: 'unknown_code'}).
const cacheKey = (prefix: string, postalCode: PostalCode) => `${prefix}:represent:v2:${compactPostalCode(postalCode)}`;

export function representFinder(options: FinderOptions): RepresentativeFinder {
  const { client, redis, limiter } = options;
  const inFlight = new Map<string, Promise<FinderAnswer>>();
  const local = localCache(LOCAL_MAX);
  const localTtlMs = (ttlSeconds: number) => Math.min(options.localTtlMs ?? LOCAL_TTL_MS, ttlSeconds * 1000);
  // The shared budget is a sliding window: once Redis says the next request may go in N ms, no
  // process can make it sooner, so asking again before then is a round trip for nothing.
  let budgetSpentUntil = 0;

  async function readCache(postalCode: PostalCode): Promise<Cached | null> {
    const known = local.get(postalCode);
    if (known) return known;
    try {
      const key = cacheKey(options.keyPrefix, postalCode);
      // The value and its remaining life: kept here no longer than in Redis.
      const [[, raw], [, ttl]] = (await redis.pipeline().get(key).ttl(key).exec()) as [[unknown, string | null], [unknown, number]];
      if (!raw) return null;
      const value = JSON.parse(raw) as Cached;
      local.set(postalCode, value, localTtlMs(ttl));
      return value;
    } catch {
      return null; // Redis away: a cache miss, not an error.
    }
  }

  async function writeCache(postalCode: PostalCode, value: Cached, ttlSeconds: number): Promise<void> {
    local.set(postalCode, value, localTtlMs(ttlSeconds));
    await redis.set(cacheKey(options.keyPrefix, postalCode), JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
  }

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
    switch (answer.kind) {
      case 'found': {
        options.onRequest?.('ok');
        const found: Cached = { kind: 'found', lookup: toLookup(postalCode, answer.body) };
        await writeCache(postalCode, found, options.cacheTtlSeconds);
        return found;
      }
      case 'unknown_code':
        options.onRequest?.('not_found');
        await writeCache(postalCode, answer, NOT_FOUND_TTL_SECONDS);
        return answer;
      case 'unavailable':
        options.onRequest?.('unavailable');
        return answer;
    }
  }

  return {
    async find(postalCode, visitor = null) {
      const cached = await readCache(postalCode);
      options.onCache?.(cached ? 'hit' : 'miss');
      if (cached) return cached;
      let pending = inFlight.get(postalCode);
      if (!pending) {
        pending = fetch(postalCode, visitor).finally(() => inFlight.delete(postalCode));
        inFlight.set(postalCode, pending);
      }
      return pending;
    },
  };
}
