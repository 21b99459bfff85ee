// Abuse limits on submissions: per IP and per email, counted in Redis so every web process
// shares them. If Redis is away the limits step aside: a supporter's letter matters more.
//
// A submission's limits are counted in one Redis round trip (one script increments every counter
// of the request), not one per limit: on a busy server each round trip costs more CPU than the
// counting itself. Fixed windows, the same keys and the same counting as rate-limit-redis, which
// this replaces (so processes of both versions share their counts during a rolling deploy).
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { canonicalEmail } from '../domain/emailAddress';
import { AppError } from '../domain/errors';

export interface RateLimitSettings {
  perIpPerMinute: number;
  perEmailPerHour: number;
  redis: Redis | null;
  prefix: string;
}

interface Limit {
  windowMs: number;
  limit: number;
  /** Prepended to the key in Redis. */
  prefix: string;
  /** The counter this request counts against; null = this limit does not apply to it. */
  key: (req: Request) => string | null;
  message: string;
  /** `"30-in-1min"`: the policy's name in the RateLimit headers. */
  name: string;
}

interface Count {
  hits: number;
  /** Milliseconds until the window ends. */
  ttlMs: number;
}

type Counter = (keys: string[], windowsMs: number[]) => Promise<Count[] | null>;

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

function redisCounter(redis: Redis): Counter {
  // EVALSHA, falling back to EVAL after a Redis restart (ioredis does both, in pipelines too).
  if (!('dearmpRateCount' in redis)) redis.defineCommand('dearmpRateCount', { lua: COUNT_SCRIPT });
  // The submissions that arrive together are counted together: one pipeline, one write, per turn
  // of the event loop.
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

// Tests of the HTTP layer alone: the same counting, in this process.
function memoryCounter(): Counter {
  const windows = new Map<string, { hits: number; endsAt: number }>();
  return async (keys, windowsMs) => {
    const now = Date.now();
    if (windows.size > 10_000) for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
    return keys.map((key, i) => {
      let w = windows.get(key);
      if (!w || w.endsAt <= now) windows.set(key, (w = { hits: 0, endsAt: now + windowsMs[i] }));
      w.hits += 1;
      return { hits: w.hits, ttlMs: w.endsAt - now };
    });
  };
}

// The IETF draft-8 headers express-rate-limit set: `RateLimit` and `RateLimit-Policy`, one entry per limit.
function setHeaders(res: Response, limit: Limit, key: string, count: Count): void {
  const partitionKey = Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');
  res.append('RateLimit', `"${limit.name}"; r=${Math.max(limit.limit - count.hits, 0)}; t=${Math.max(0, Math.ceil(count.ttlMs / 1000))}`);
  res.append('RateLimit-Policy', `"${limit.name}"; q=${limit.limit}; w=${Math.ceil(limit.windowMs / 1000)}; pk=:${partitionKey}:`);
}

/** One middleware counting every limit that applies to the request in one round trip; 429 past any. */
function limiter(limits: Limit[], counter: Counter): RequestHandler {
  return (req, res, next) => {
    const applying: Array<{ limit: Limit; key: string }> = [];
    for (const limit of limits) {
      const key = limit.key(req);
      if (key !== null) applying.push({ limit, key });
    }
    if (applying.length === 0) return next();
    counter(
      applying.map((a) => a.limit.prefix + a.key),
      applying.map((a) => a.limit.windowMs),
    ).then((counts) => {
      if (!counts) return next();
      let exceeded: { limit: Limit; count: Count } | null = null;
      applying.forEach(({ limit, key }, i) => {
        setHeaders(res, limit, key, counts[i]);
        if (!exceeded && counts[i].hits > limit.limit) exceeded = { limit, count: counts[i] };
      });
      if (!exceeded) return next();
      const { limit, count } = exceeded as { limit: Limit; count: Count };
      next(new AppError('rate_limited', limit.message, { retryAfterSeconds: Math.max(1, Math.ceil(count.ttlMs / 1000)) }));
    }, next);
  };
}

// The same person however they write their address (see canonicalEmail).
const emailOf = (req: Request): string | null => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() ? canonicalEmail(email) : null;
};

// ipKeyGenerator parses IPv6 addresses (and IPv4 ones mapped into IPv6) every time: remember the last few.
const ipKeys = new Map<string, string>();
const ipOf = (req: Request): string => {
  const ip = req.ip ?? 'unknown';
  let key = ipKeys.get(ip);
  if (key === undefined) {
    key = ipKeyGenerator(ip);
    if (ipKeys.size >= 10_000) ipKeys.clear();
    ipKeys.set(ip, key);
  }
  return key;
};

export function submissionLimits(settings: RateLimitSettings): { submit: RequestHandler[]; preview: RequestHandler[] } {
  const counter = settings.redis ? redisCounter(settings.redis) : memoryCounter();
  // Previews cost a render and maybe a Represent lookup: a roomier per-IP allowance, no email limit.
  const preview = limiter(
    [
      {
        windowMs: 60_000,
        limit: settings.perIpPerMinute * 4,
        prefix: `${settings.prefix}:rl:preview:`,
        key: ipOf,
        message: 'Too many previews from this connection. Please wait a minute and try again.',
        name: `${settings.perIpPerMinute * 4}-in-1min`,
      },
    ],
    counter,
  );
  const submit = limiter(
    [
      {
        windowMs: 60_000,
        limit: settings.perIpPerMinute,
        prefix: `${settings.prefix}:rl:ip:`,
        key: ipOf,
        message: 'Too many letters from this connection. Please wait a minute and try again.',
        name: `${settings.perIpPerMinute}-in-1min`,
      },
      {
        windowMs: 3_600_000,
        limit: settings.perEmailPerHour,
        prefix: `${settings.prefix}:rl:email:`,
        // Hashed: the key lives in Redis, where personal data does not belong.
        key: (req) => {
          const email = emailOf(req);
          return email === null ? null : createHash('sha256').update(email).digest('hex');
        },
        message: 'Too many attempts with this email address. Please try again later.',
        name: `${settings.perEmailPerHour}-in-1hr`,
      },
    ],
    counter,
  );
  return { submit: [submit], preview: [preview] };
}
