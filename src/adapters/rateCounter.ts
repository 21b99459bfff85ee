// Fixed-window request counters in Redis, shared by every web process (the rate limits of
// src/http/rateLimits.ts count with this). A request's counters are counted in one round trip
// (one script increments every counter of the request), and the requests that arrive together
// share one pipeline: on a busy server each round trip costs more CPU than the counting itself.
// The same keys and the same counting as rate-limit-redis, which this replaces (so processes of
// both versions share their counts during a rolling deploy).
import type { Redis } from 'ioredis';

export interface Count {
  hits: number;
  /** Milliseconds until the window ends. */
  ttlMs: number;
}

/** Counts one hit on each key (its window starting with its first hit); null when Redis is away. */
export type RateCounter = (keys: string[], windowsMs: number[]) => Promise<Count[] | null>;

// For each key: INCR, and start its window if it has none (rate-limit-redis's script, for many keys).
const COUNT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl <= 0 then
    ttl = tonumber(ARGV[i])
    redis.call('PEXPIRE', key, ttl)
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
