// The time each form was shown, signed by the service (HMAC-SHA256 with a secret it keeps), so a
// bot cannot claim it waited: a stamp is `<ms>.<nonce>.<signature>`. A stamp that led to an action
// is claimed in Redis and cannot serve again. If Redis is away the claim steps aside: a supporter's
// letter matters more than a bot's second try.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

export type StampCheck = 'ok' | 'forged' | 'too_fast' | 'expired' | 'reused';

export interface FormStamps {
  /** A fresh stamp for a form shown now. */
  issue(): string;
  /** Checks a stamp and, when it holds, claims it. */
  claim(stamp: string): Promise<StampCheck>;
  /** Gives a claimed stamp back (the submission it carried failed: the supporter may correct and send again). */
  release(stamp: string): Promise<void>;
}

/** A form older than this is stale: the page is shown again with a fresh one. */
const MAX_AGE_MS = 24 * 3600_000;

export function formStamps(options: { secret: string; minFormMs: number; redis: Redis; prefix: string; now?: () => number }): FormStamps {
  const now = options.now ?? Date.now;
  const sign = (payload: string) => createHmac('sha256', options.secret).update(payload).digest('base64url');
  const claimKey = (nonce: string) => `${options.prefix}:form:${nonce}`;
  const parse = (stamp: string) => {
    const match = /^(\d{13})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(stamp);
    if (!match) return null;
    const expected = Buffer.from(sign(`${match[1]}.${match[2]}`));
    const given = Buffer.from(match[3]);
    return expected.length === given.length && timingSafeEqual(expected, given) ? { at: Number(match[1]), nonce: match[2] } : null;
  };
  return {
    issue() {
      const payload = `${now()}.${randomBytes(12).toString('base64url')}`;
      return `${payload}.${sign(payload)}`;
    },
    async claim(stamp) {
      const parsed = parse(stamp);
      if (!parsed) return 'forged';
      const age = now() - parsed.at;
      // People take longer than this; a stamp from the future was not ours.
      if (age < options.minFormMs || age < -60_000) return 'too_fast';
      if (age > MAX_AGE_MS) return 'expired';
      const fresh = await options.redis.set(claimKey(parsed.nonce), '1', 'PX', MAX_AGE_MS, 'NX').catch(() => 'OK');
      return fresh === 'OK' ? 'ok' : 'reused';
    },
    async release(stamp) {
      const parsed = parse(stamp);
      if (parsed) await options.redis.del(claimKey(parsed.nonce)).catch(() => undefined);
    },
  };
}
