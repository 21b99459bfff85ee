// Problems an operator must fix, raised by one process and reported by all (the web process's
// /healthz reports what a worker found). Kept in Redis with a lifetime: a problem that stops
// happening goes away by itself.
//
// Outages of a service we depend on (Represent) are kept as the time they began, so that a
// blip is not an alert and a long outage is (domain/serviceHealth.ts decides).
import type { Redis } from 'ioredis';

export interface ServiceAlerts {
  raise(name: string, message: string): Promise<void>;
  clear(name: string): Promise<void>;
  current(): Promise<Record<string, string>>;
  /** Notes that `name` stopped answering (the first time since it last answered counts). */
  down(name: string): Promise<void>;
  up(name: string): Promise<void>;
  /** Since when each service that is down has been down. */
  downSince(): Promise<Record<string, Date>>;
}

const LIFETIME_SECONDS = 600;
/** An outage nobody has seen for a day (every process that saw it stopped) is forgotten. */
const OUTAGE_LIFETIME_SECONDS = 86_400;

export function serviceAlerts(redis: Redis, prefix: string): ServiceAlerts {
  const key = `${prefix}:alerts`;
  const outages = `${prefix}:outages`;
  return {
    async raise(name, message) {
      await redis.multi().hset(key, name, message).expire(key, LIFETIME_SECONDS).exec();
    },
    async clear(name) {
      await redis.hdel(key, name);
    },
    current: () => redis.hgetall(key),
    async down(name) {
      await redis.multi().hsetnx(outages, name, new Date().toISOString()).expire(outages, OUTAGE_LIFETIME_SECONDS).exec();
    },
    async up(name) {
      await redis.hdel(outages, name);
    },
    async downSince() {
      const all = await redis.hgetall(outages);
      return Object.fromEntries(Object.entries(all).map(([name, iso]) => [name, new Date(iso)]));
    },
  };
}
