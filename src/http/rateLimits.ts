// Abuse limits per visitor (IP, behind TRUST_PROXY) on submissions, previews and MP lookups,
// counted in Redis (adapters/rateCounter.ts) so every web process shares them, every limit of a
// request in one round trip. If Redis is away the limits step aside: a supporter's letter
// matters more.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { mailboxKey, PEEK, type Count, type RateCounter } from '../adapters/rateCounter';
import { canonicalEmail } from '../domain/emailAddress';
import { AppError } from '../domain/errors';

export interface RateLimitSettings {
  perIpPerMinute: number;
  /** Submissions without the form's signed time, per IP. */
  unverifiedPerIpPerMinute: number;
  lookupsPerIpPerMinute: number;
  /** Actions taken per mailbox per hour: read here, counted by the use case when one is taken. */
  actionsPerMailboxPerHour: number;
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
  /** Read, not counted here (a count kept elsewhere): refused from `limit` on, and never told in headers. */
  peek?: boolean;
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
      applying.map((a) => (a.limit.peek ? PEEK : a.limit.windowMs)),
    ).then((counts) => {
      if (!counts) return next();
      let exceeded: Count | null = null;
      applying.forEach(({ limit, key }, i) => {
        // A mailbox's count is nobody's business but its owner's: no header tells it.
        if (!limit.peek) setHeaders(res, limit, key, counts[i]);
        const over = limit.peek ? counts[i].hits >= limit.limit : counts[i].hits > limit.limit;
        if (!exceeded && over) exceeded = counts[i];
      });
      if (!exceeded) return next();
      const count = exceeded as Count;
      next(new AppError('rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(count.ttlMs / 1000)) }));
    }, next);
  };
}

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

/** The key of the mailbox a submission names, as the use case counts it; null when it names none. */
const mailboxOf = (req: Request, prefix: string): string | null => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() ? mailboxKey(prefix, canonicalEmail(email)) : null;
};

/** A request without the form's signed time (scripts, embeds): served, but held to a stricter allowance. */
const unverified = (req: Request): boolean => typeof (req.body as { shownAt?: unknown } | undefined)?.shownAt !== 'string';

/** Who asks, as the limits count them: the client's address (its /56 for IPv6). */
export const visitorOf = (req: Request): string => ipOf(req);

export function rateLimits(settings: RateLimitSettings): { submit: RequestHandler[]; preview: RequestHandler[]; lookup: RequestHandler[] } {
  const { counter, prefix } = settings;
  const perMinute = (name: string, limit: number, key: (req: Request) => string | null): Limit => ({
    windowMs: 60_000,
    limit,
    prefix: `${prefix}:rl:${name}:`,
    key,
    name: `${limit}-in-1min`,
  });
  return {
    // Every submission counts against its address, whatever became of it. A mailbox's actions are
    // only read here: the use case counts one when an action is taken, so a refused or repeated
    // post with someone's address never locks them out.
    submit: [
      limiter(
        [
          perMinute('ip', settings.perIpPerMinute, ipOf),
          perMinute('ip-unverified', settings.unverifiedPerIpPerMinute, (req) => (unverified(req) ? ipOf(req) : null)),
          { windowMs: 3_600_000, limit: settings.actionsPerMailboxPerHour, prefix: '', key: (req) => mailboxOf(req, prefix), name: '', peek: true },
        ],
        counter,
      ),
    ],
    // Previews cost a render and maybe a Represent lookup: a roomier per-IP allowance.
    preview: [limiter([perMinute('preview', settings.perIpPerMinute * 4, ipOf)], counter)],
    // Looking up MPs spends the Represent budget every supporter shares: a few a minute each.
    lookup: [limiter([perMinute('lookup', settings.lookupsPerIpPerMinute, ipOf)], counter)],
  };
}
