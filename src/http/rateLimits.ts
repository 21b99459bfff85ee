// Abuse limits on submissions: per IP and per email, counted in Redis (adapters/rateCounter.ts)
// so every web process shares them, every limit of a request in one round trip. If Redis is
// away the limits step aside: a supporter's letter matters more.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Count, RateCounter } from '../adapters/rateCounter';
import { canonicalEmail } from '../domain/emailAddress';
import { httpError } from './errorCodes';

export interface RateLimitSettings {
  perIpPerMinute: number;
  perEmailPerHour: number;
  counter: RateCounter;
  prefix: string;
}

interface Limit {
  windowMs: number;
  limit: number;
  /** Prepended to the key in Redis. */
  prefix: string;
  /** The counter this request counts against; null = this limit does not apply to it. */
  key: (req: Request) => string | null;
  /** `"30-in-1min"`: the policy's name in the RateLimit headers. */
  name: string;
}

// The IETF draft-8 headers express-rate-limit set: `RateLimit` and `RateLimit-Policy`, one entry per limit.
function setHeaders(res: Response, limit: Limit, key: string, count: Count): void {
  const partitionKey = Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');
  res.append('RateLimit', `"${limit.name}"; r=${Math.max(limit.limit - count.hits, 0)}; t=${Math.max(0, Math.ceil(count.ttlMs / 1000))}`);
  res.append('RateLimit-Policy', `"${limit.name}"; q=${limit.limit}; w=${Math.ceil(limit.windowMs / 1000)}; pk=:${partitionKey}:`);
}

/** One middleware counting every limit that applies to the request in one round trip; 429 past any. */
function limiter(limits: Limit[], counter: RateCounter): RequestHandler {
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
      let exceeded: Count | null = null;
      applying.forEach(({ limit, key }, i) => {
        setHeaders(res, limit, key, counts[i]);
        if (!exceeded && counts[i].hits > limit.limit) exceeded = counts[i];
      });
      if (!exceeded) return next();
      const count = exceeded as Count;
      next(httpError('rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(count.ttlMs / 1000)) }));
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
  const { counter } = settings;
  // Previews cost a render and maybe a Represent lookup: a roomier per-IP allowance, no email limit.
  const preview = limiter(
    [
      {
        windowMs: 60_000,
        limit: settings.perIpPerMinute * 4,
        prefix: `${settings.prefix}:rl:preview:`,
        key: ipOf,
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
        name: `${settings.perEmailPerHour}-in-1hr`,
      },
    ],
    counter,
  );
  return { submit: [submit], preview: [preview] };
}
