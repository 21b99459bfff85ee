// Whether letters may go to SendGrid now (domain/ports/mail.ts: SendGate), shared by every worker
// through Redis. When SendGrid refuses our key or sender, the refusal is kept and every letter is
// held; one worker a minute (whoever takes the probe's lock) tries one letter, and its success
// lifts the hold for all. A process that has not yet seen SendGrid accept a letter sends one at a
// time until one is accepted, so a bad key at start costs one request, not WORKER_CONCURRENCY.
// If Redis is away, nothing is held: BullMQ cannot run jobs then anyway.
import type { Redis } from 'ioredis';
import type { Admission, SendGate } from '../../domain/ports';

const refusedKeyOf = (prefix: string) => `${prefix}:sendgrid:refused`;
const probeKeyOf = (prefix: string) => `${prefix}:sendgrid:probe`;

/** SendGrid's words while it refuses our key or sender, as the gate keeps them; null otherwise. */
export const sendgridRefusal = (redis: Redis, prefix: string) => (): Promise<string | null> => redis.get(refusedKeyOf(prefix));

/** Lifts the hold (a worker starting after a fix): the next letter tells whether SendGrid accepts us again. */
export const sendgridHold = (redis: Redis, prefix: string) => ({
  lift: async (): Promise<void> => void (await redis.del(refusedKeyOf(prefix), probeKeyOf(prefix))),
});

export function sendGate(redis: Redis, options: { prefix: string; probeEveryMs: number }): SendGate {
  const refusedKey = refusedKeyOf(options.prefix);
  const probeKey = probeKeyOf(options.prefix);
  let trusted = false;
  // The one send this process has in flight while it does not trust SendGrid yet.
  let firstSend: Promise<void> | null = null;

  const go = (onDone: (outcome: 'accepted' | 'refused' | 'other', reason?: string) => Promise<void>): Admission => ({ go: true, done: onDone });

  async function settle(outcome: 'accepted' | 'refused' | 'other', reason: string | undefined): Promise<void> {
    if (outcome === 'accepted') {
      trusted = true;
      await redis.del(refusedKey, probeKey).catch(() => undefined);
    } else if (outcome === 'refused') {
      trusted = false;
      // The next probe is a minute away, whoever takes it.
      await redis.multi().set(refusedKey, reason ?? 'SendGrid refuses our key or sender').set(probeKey, '1', 'PX', options.probeEveryMs).exec().catch(() => undefined);
    }
  }

  async function admit(): Promise<Admission> {
    const refused = await redis.get(refusedKey).catch(() => null);
    if (refused !== null) {
      const probe = await redis.set(probeKey, '1', 'PX', options.probeEveryMs, 'NX').catch(() => 'OK');
      if (probe === 'OK') return go((outcome, reason) => settle(outcome, reason));
      const ttl = await redis.pttl(probeKey).catch(() => options.probeEveryMs);
      return { go: false, reason: refused, retryAfterMs: Math.max(1000, ttl) };
    }
    if (trusted) return go((outcome, reason) => settle(outcome, reason));
    // Not trusted yet: wait for the send in flight, then look again.
    while (firstSend) {
      await firstSend;
      return admit();
    }
    let release!: () => void;
    firstSend = new Promise<void>((resolve) => (release = resolve));
    return go(async (outcome, reason) => {
      await settle(outcome, reason);
      firstSend = null;
      release();
    });
  }

  return { admit };
}
