// Outages of a service we depend on (Represent), noted by whichever process saw them and read by
// all (the web process's /healthz and dashboard report what a worker saw). Kept in Redis as the
// time each began, so a blip is not an alert and a long outage is (domain/serviceHealth.ts).
import type { Redis } from 'ioredis';

export interface Outages {
  /** Notes that `name` stopped answering (the first time since it last answered counts). */
  down(name: string): Promise<void>;
  up(name: string): Promise<void>;
  /** Since when each service that is down has been down. */
  downSince(): Promise<Record<string, Date>>;
}

/** An outage nobody has seen for a day (every process that saw it stopped) is forgotten. */
const LIFETIME_SECONDS = 86_400;

export function outages(redis: Redis, prefix: string): Outages {
  const key = `${prefix}:outages`;
  return {
    async down(name) {
      await redis.multi().hsetnx(key, name, new Date().toISOString()).expire(key, LIFETIME_SECONDS).exec();
    },
    async up(name) {
      await redis.hdel(key, name);
    },
    async downSince() {
      const all = await redis.hgetall(key);
      return Object.fromEntries(Object.entries(all).map(([name, iso]) => [name, new Date(iso)]));
    },
  };
}
