// Fixed-window request counters in Redis, shared by every web process (the rate limits of
// src/http/rateLimits.ts count with this). A request's counters are counted in one round trip
// (one script increments every counter of the request), and the requests that arrive together
// share one pipeline: on a busy server each round trip costs more CPU than the counting itself.
// The same keys and the same counting as rate-limit-redis, which this replaces (so processes of
// both versions share their counts during a rolling deploy).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EmailAllowance } from '../domain/submitAction';

export interface Count {
  hits: number;
  /** Milliseconds until the window ends. */
  ttlMs: number;
}

/**
 * Counts one hit on each key (its window starting with its first hit), or only reads it where its
 * window is PEEK; null when Redis is away.
 */
export type RateCounter = (keys: string[], windowsMs: number[]) => Promise<Count[] | null>;

/** In place of a window: read the key's count without counting (what is counted elsewhere, later). */
export const PEEK = -1;

// For each key: INCR, and start its window if it has none (rate-limit-redis's script, for many
// keys); or, for a window of PEEK, read it as it is.
const COUNT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[i])
  local hits, ttl
  if window < 0 then
    hits = tonumber(redis.call('GET', key) or '0')
    ttl = redis.call('PTTL', key)
  else
    hits = redis.call('INCR', key)
    ttl = redis.call('PTTL', key)
    if ttl <= 0 then
      ttl = window
      redis.call('PEXPIRE', key, ttl)
    end
  end
  out[#out + 1] = hits
  out[#out + 1] = ttl
end
return out`;

type Pending = { keys: string[]; windowsMs: number[]; done: (counts: Count[] | null) => void };

export function rateCounter(redis: Redis): RateCounter {
  // EVALSHA, falling back to EVAL after a Redis restart (ioredis does both, in pipelines too).
  if (!('dearmpRateCount' in redis)) redis.defineCommand('dearmpRateCount', { lua: COUNT_SCRIPT });
  let pending: Pending[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & { dearmpRateCount(...args: unknown[]): unknown };
    for (const { keys, windowsMs } of batch) pipeline.dearmpRateCount(keys.length, ...keys, ...windowsMs);
    pipeline.exec().then(
      (results) =>
        batch.forEach(({ keys, done }, i) => {
          const [error, reply] = results?.[i] ?? [new Error('no reply'), null];
          // Redis away: count nothing, quietly.
          done(error ? null : keys.map((_, k) => ({ hits: Number((reply as number[])[2 * k]), ttlMs: Number((reply as number[])[2 * k + 1]) })));
        }),
      () => batch.forEach(({ done }) => done(null)),
    );
  };
  return (keys, windowsMs) =>
    new Promise((done) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ keys, windowsMs, done });
    });
}

// The count of a key and its window's remaining time, without counting.
const PEEK_SCRIPT = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
return {hits, ttl}`;

/** A number of events per key in a window, counted only when they happen (spend), read before (wait). */
export interface Allowance {
  /** Null while the key is under its limit; else the seconds until its window ends. */
  wait(key: string): Promise<number | null>;
  spend(key: string): Promise<void>;
}

/** An allowance in Redis, the same counting as rateCounter. If Redis is away, it steps aside. */
export function allowance(redis: Redis, options: { prefix: string; limit: number; windowMs: number }): Allowance {
  if (!('dearmpRatePeek' in redis)) redis.defineCommand('dearmpRatePeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
  const count = rateCounter(redis);
  const full = (key: string) => `${options.prefix}${key}`;
  return {
    async wait(key) {
      try {
        const [hits, ttl] = await (redis as Redis & { dearmpRatePeek(key: string): Promise<[number, number]> }).dearmpRatePeek(full(key));
        return hits >= options.limit && ttl > 0 ? Math.max(1, Math.ceil(ttl / 1000)) : null;
      } catch {
        return null;
      }
    },
    async spend(key) {
      await count([full(key)], [options.windowMs]);
    },
  };
}

/** The Redis key counting one mailbox's actions this hour: a hash, as email addresses do not belong in Redis. */
export const mailboxKey = (prefix: string, emailKey: string): string => `${prefix}:rl:email:${createHash('sha256').update(emailKey).digest('hex')}`;

/**
 * How many actions one mailbox takes per hour, counted only when an action is taken (a rejected
 * or repeated submission with someone's address must not lock them out). The rate limits read
 * the count with each submission (http/rateLimits.ts, in the same round trip as the others).
 */
export function emailAllowance(redis: Redis, options: { prefix: string }): EmailAllowance {
  const count = rateCounter(redis);
  return {
    async spend(emailKey) {
      await count([mailboxKey(options.prefix, emailKey)], [3_600_000]);
    },
  };
}
