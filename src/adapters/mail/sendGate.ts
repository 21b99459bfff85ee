// Whether letters may go to SendGrid now (domain/ports/mail.ts: SendGate), shared by every worker
// through Redis. When SendGrid refuses our key or sender, the refusal is kept and every letter is
// held; one worker a minute (whoever takes the probe's lock) tries one letter, and its success
// lifts the hold for all. A process that has not yet seen SendGrid accept a letter sends one at a
// time until one is accepted, so a bad key at start costs one request, not WORKER_CONCURRENCY.
// If Redis is away, nothing is held: BullMQ cannot run jobs then anyway.
import type { Redis } from 'ioredis';
import type { Admission, SendGate, SendOutcome } from '../../domain/ports';

const refusedKeyOf = (prefix: string) => `${prefix}:sendgrid:refused`;
const probeKeyOf = (prefix: string) => `${prefix}:sendgrid:probe`;

/** SendGrid's words while it refuses our key or sender, as the gate keeps them; null otherwise. */
export const sendgridRefusal = (redis: Redis, prefix: string) => (): Promise<string | null> => redis.get(refusedKeyOf(prefix));

/** Lifts the hold (a worker starting after a fix): the next letter tells whether SendGrid accepts us again. */
export const sendgridHold = (redis: Redis, prefix: string) => ({
  lift: async (): Promise<void> => void (await redis.del(refusedKeyOf(prefix), probeKeyOf(prefix))),
});

/** How long a process trusts its last look at the shared refusal (another process's refusal shows within this). */
const LOOK_EVERY_MS = 1000;

export function sendGate(redis: Redis, options: { prefix: string; probeEveryMs: number }): SendGate {
  const refusedKey = refusedKeyOf(options.prefix);
  const probeKey = probeKeyOf(options.prefix);
  let trusted = false;
  // The one send this process has in flight while it does not trust SendGrid yet.
  let firstSend: Promise<void> | null = null;
  // The shared refusal as last read: one Redis read a second, not one per letter.
  let lookedAt = 0;
  let refusal: string | null = null;

  async function refused(): Promise<string | null> {
    if (Date.now() - lookedAt >= LOOK_EVERY_MS) {
      refusal = await redis.get(refusedKey).catch(() => null);
      lookedAt = Date.now();
    }
    return refusal;
  }

  async function settle(outcome: SendOutcome, reason: string | undefined, wasTrusted: boolean): Promise<void> {
    if (outcome === 'unanswered') {
      // A timeout says nothing of our key. A first send that times out lets this process go on
      // (one send per timeout would hold every letter while SendGrid is slow); a probe that
      // times out leaves the refusal as it is.
      if (refusal === null) trusted = true;
    } else if (outcome === 'accepted' || outcome === 'answered') {
      // SendGrid read our key and did not refuse it: lift the hold, once (not on every letter).
      trusted = true;
      if (refusal !== null || !wasTrusted) {
        refusal = null;
        await redis.del(refusedKey, probeKey).catch(() => undefined);
      }
    } else if (outcome === 'refused') {
      trusted = false;
      // This process holds at once; others within a second. The next probe is an interval away, whoever takes it.
      refusal = reason ?? 'SendGrid refuses our key or sender';
      lookedAt = Date.now();
      await redis.multi().set(refusedKey, refusal).set(probeKey, '1', 'PX', options.probeEveryMs).exec().catch(() => undefined);
    }
  }

  const go = (onDone?: () => void): Admission => {
    const wasTrusted = trusted;
    return {
      go: true,
      done: async (outcome, reason) => {
        try {
          await settle(outcome, reason, wasTrusted);
        } finally {
          onDone?.();
        }
      },
    };
  };

  async function admit(): Promise<Admission> {
    const why = await refused();
    if (why !== null) {
      const probe = await redis.set(probeKey, '1', 'PX', options.probeEveryMs, 'NX').catch(() => 'OK');
      if (probe === 'OK') return go();
      const ttl = await redis.pttl(probeKey).catch(() => options.probeEveryMs);
      return { go: false, reason: why, retryAfterMs: Math.max(1000, ttl) };
    }
    if (trusted) return go();
    // Not trusted yet: wait for the send in flight, then look again.
    if (firstSend) {
      await firstSend;
      return admit();
    }
    let release!: () => void;
    firstSend = new Promise<void>((resolve) => (release = resolve));
    return go(() => {
      firstSend = null;
      release();
    });
  }

  return { admit };
}
