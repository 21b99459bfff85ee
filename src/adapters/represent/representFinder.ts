// Finding MPs through Represent, politely: answers are cached in Redis, identical lookups in
// flight share one request, and every request spends from the budget all processes share.
// When the budget is spent or Redis is away, the lookup is "unavailable" (the letter waits),
// never a request over Represent's limit.
import type Redis from 'ioredis';
import { AppError } from '../../domain/errors';
import type { RepresentativeFinder, RepresentativeLookup } from '../../domain/representatives';
import { toLookup } from './parse';
import type { RepresentClient } from './representClient';
import { notFound, unavailable } from './representClient';
import type { Limiter } from './slidingWindowLimiter';

const NOT_FOUND_TTL_SECONDS = 3600;

type Cached = { found: RepresentativeLookup } | { notFound: true };

export interface FinderOptions {
  client: RepresentClient;
  redis: Redis;
  limiter: Limiter;
  keyPrefix: string;
  cacheTtlSeconds: number;
  onRequest?: (outcome: 'ok' | 'not_found' | 'unavailable' | 'budget') => void;
  onCache?: (result: 'hit' | 'miss') => void;
}

export function representFinder(options: FinderOptions): RepresentativeFinder {
  const { client, redis, limiter } = options;
  const inFlight = new Map<string, Promise<RepresentativeLookup>>();
  // v1: bump when the cached shape or the MP filter changes.
  const cacheKey = (postalCode: string) => `${options.keyPrefix}:represent:v1:${postalCode.replace(' ', '')}`;

  async function readCache(postalCode: string): Promise<Cached | null> {
    try {
      const raw = await redis.get(cacheKey(postalCode));
      return raw ? (JSON.parse(raw) as Cached) : null;
    } catch {
      return null; // Redis away: a cache miss, not an error.
    }
  }

  async function writeCache(postalCode: string, value: Cached, ttlSeconds: number): Promise<void> {
    await redis.set(cacheKey(postalCode), JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
  }

  async function fetch(postalCode: string): Promise<RepresentativeLookup> {
    let waitMs: number;
    try {
      waitMs = await limiter.tryAcquire();
    } catch {
      throw unavailable('Redis is unreachable, so the shared Represent budget cannot be checked.');
    }
    if (waitMs > 0) {
      options.onRequest?.('budget');
      throw unavailable('The Represent request budget is spent for now.', Math.ceil(waitMs / 1000));
    }
    try {
      const lookup = toLookup(postalCode, await client.postcode(postalCode));
      options.onRequest?.('ok');
      await writeCache(postalCode, { found: lookup }, options.cacheTtlSeconds);
      return lookup;
    } catch (error) {
      if (error instanceof AppError && error.code === 'postal_code_not_found') {
        options.onRequest?.('not_found');
        await writeCache(postalCode, { notFound: true }, NOT_FOUND_TTL_SECONDS);
      } else {
        options.onRequest?.('unavailable');
      }
      throw error;
    }
  }

  return {
    async find(postalCode) {
      const cached = await readCache(postalCode);
      options.onCache?.(cached ? 'hit' : 'miss');
      if (cached && 'found' in cached) return cached.found;
      if (cached) throw notFound();
      let pending = inFlight.get(postalCode);
      if (!pending) {
        pending = fetch(postalCode).finally(() => inFlight.delete(postalCode));
        inFlight.set(postalCode, pending);
      }
      return pending;
    },
  };
}
