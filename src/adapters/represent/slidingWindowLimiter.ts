// A request budget shared by every process through Redis: at most `max` requests in any
// sliding window of `windowMs`, and at most `visitorMax` of them for any one visitor, so one
// client cannot spend what every supporter shares. Represent answers 503 above 60 requests a
// minute, and a fixed-window counter (what most libraries keep) lets up to twice the budget
// through around a window boundary, so this keeps a log of timestamps instead. Time comes from
// Redis, so processes on machines with skewed clocks still agree.
import type Redis from 'ioredis';

// KEYS: the budget's key, then the visitor's (optional). Returns {0, 0} when a request may go and
// is counted in both; else {milliseconds to wait, 1 if the visitor's own share is what is spent}.
const SCRIPT = `
local max, window, member, visitorMax = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function waitFor(key, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) < limit then return 0 end
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
local wait = waitFor(KEYS[1], max)
if wait > 0 then return {wait, 0} end
if #KEYS > 1 then
  wait = waitFor(KEYS[2], visitorMax)
  if wait > 0 then return {wait, 1} end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
end
return {0, 0}
`;

export interface Acquired {
  /** 0 when the request may go now; otherwise the milliseconds until one may. */
  waitMs: number;
  /** The visitor's own share is spent (others may still ask). */
  visitorLimited: boolean;
}

export interface Limiter {
  tryAcquire(visitor?: string | null): Promise<Acquired>;
}

type LimiterRedis = Redis & { slidingWindowAcquire(...args: Array<string | number>): Promise<[number, number]> };

let counter = 0;

export function slidingWindowLimiter(redis: Redis, options: { key: string; max: number; windowMs: number; visitorMax?: number }): Limiter {
  if (!('slidingWindowAcquire' in redis)) redis.defineCommand('slidingWindowAcquire', { lua: SCRIPT });
  const client = redis as LimiterRedis;
  const prefix = `${process.pid}-${Date.now()}`;
  const visitorMax = options.visitorMax ?? options.max;
  return {
    async tryAcquire(visitor) {
      const keys = visitor ? [options.key, `${options.key}:visitor:${visitor}`] : [options.key];
      const [waitMs, byVisitor] = await client.slidingWindowAcquire(keys.length, ...keys, options.max, options.windowMs, `${prefix}-${++counter}`, visitorMax);
      return { waitMs: Number(waitMs), visitorLimited: Number(byVisitor) === 1 };
    },
  };
}
