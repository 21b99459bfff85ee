// Abuse limits on submissions: per IP and per email, counted in Redis so every web process
// shares them. If Redis is away the limits step aside: a supporter's letter matters more.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import { canonicalEmail } from '../domain/emailAddress';
import { AppError } from '../domain/errors';

export interface RateLimitSettings {
  perIpPerMinute: number;
  perEmailPerHour: number;
  redis: Redis | null;
  prefix: string;
}

function store(redis: Redis | null, prefix: string): Store | undefined {
  if (!redis) return undefined; // tests of the HTTP layer alone: in-memory
  return lenient(new RedisStore({ prefix, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never }));
}

// When Redis is away, count nothing and let the request through, quietly (the library's own
// fallback prints a stack trace per request).
function lenient(inner: Store): Store {
  const quiet = async <T>(work: () => Promise<T> | T, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch {
      return fallback;
    }
  };
  let windowMs = 60_000;
  return {
    prefix: inner.prefix,
    init: (options: Options) => {
      windowMs = options.windowMs;
      return inner.init?.(options);
    },
    // Counted as a first hit: always under the limit.
    increment: (key) => quiet(() => inner.increment(key), { totalHits: 1, resetTime: new Date(Date.now() + windowMs) }),
    decrement: (key) => quiet(() => inner.decrement(key), undefined),
    resetKey: (key) => quiet(() => inner.resetKey(key), undefined),
  };
}

const tooMany = (message: string): RequestHandler => (req, _res, next) => {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const retryAfterSeconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
  next(new AppError('rate_limited', message, { retryAfterSeconds }));
};

// The same person however they write their address (see canonicalEmail).
const emailOf = (req: Request): string | null => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() ? canonicalEmail(email) : null;
};

export function submissionLimits(settings: RateLimitSettings): { submit: RequestHandler[]; preview: RequestHandler[] } {
  const common = { standardHeaders: 'draft-8' as const, legacyHeaders: false };
  // Previews cost a render and maybe a Represent lookup: a roomier per-IP allowance, no email limit.
  const preview = rateLimit({
    ...common,
    windowMs: 60_000,
    limit: settings.perIpPerMinute * 4,
    store: store(settings.redis, `${settings.prefix}:rl:preview:`),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: tooMany('Too many previews from this connection. Please wait a minute and try again.'),
  });
  const submit = [
    rateLimit({
      ...common,
      windowMs: 60_000,
      limit: settings.perIpPerMinute,
      store: store(settings.redis, `${settings.prefix}:rl:ip:`),
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
      handler: tooMany('Too many letters from this connection. Please wait a minute and try again.'),
    }),
    rateLimit({
      ...common,
      windowMs: 3_600_000,
      limit: settings.perEmailPerHour,
      store: store(settings.redis, `${settings.prefix}:rl:email:`),
      skip: (req) => emailOf(req) === null,
      // Hashed: the key lives in Redis, where personal data does not belong.
      keyGenerator: (req) => createHash('sha256').update(emailOf(req) ?? '').digest('hex'),
      handler: tooMany('Too many attempts with this email address. Please try again later.'),
    }),
  ];
  return { submit, preview: [preview] };
}
