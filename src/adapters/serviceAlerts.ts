// Problems an operator must fix, raised by one process and reported by all (the web process's
// /healthz reports what a worker found). Kept in Redis with a lifetime: a problem that stops
// happening goes away by itself.
import type { Redis } from 'ioredis';

export interface ServiceAlerts {
  raise(name: string, message: string): Promise<void>;
  clear(name: string): Promise<void>;
  current(): Promise<Record<string, string>>;
}

const LIFETIME_SECONDS = 600;

export function serviceAlerts(redis: Redis, prefix: string): ServiceAlerts {
  const key = `${prefix}:alerts`;
  return {
    async raise(name, message) {
      await redis.multi().hset(key, name, message).expire(key, LIFETIME_SECONDS).exec();
    },
    async clear(name) {
      await redis.hdel(key, name);
    },
    current: () => redis.hgetall(key),
  };
}
