// A request budget shared by every process through Redis: at most `max` requests in any
// sliding window of `windowMs`. Represent answers 503 above 60 requests a minute, and a
// fixed-window counter (what most libraries keep) lets up to twice the budget through around
// a window boundary, so this keeps a log of timestamps instead. Time comes from Redis, so
// processes on machines with skewed clocks still agree.
import type Redis from 'ioredis';

const SCRIPT = `
local key, max, window, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < max then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

export interface Limiter {
  /** 0 when a request may go now; otherwise the milliseconds until one may. */
  tryAcquire(): Promise<number>;
}

type LimiterRedis = Redis & { slidingWindowAcquire(key: string, max: number, windowMs: number, member: string): Promise<number> };

let counter = 0;

export function slidingWindowLimiter(redis: Redis, options: { key: string; max: number; windowMs: number }): Limiter {
  if (!('slidingWindowAcquire' in redis)) redis.defineCommand('slidingWindowAcquire', { numberOfKeys: 1, lua: SCRIPT });
  const client = redis as LimiterRedis;
  const prefix = `${process.pid}-${Date.now()}`;
  return {
    tryAcquire: () => client.slidingWindowAcquire(options.key, options.max, options.windowMs, `${prefix}-${++counter}`),
  };
}
