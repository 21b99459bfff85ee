// Redis connections. The web side fails fast (a request must not hang while Redis is away:
// the outbox makes that safe); workers wait for Redis as long as it takes, as BullMQ requires.
import IORedis, { type Redis } from 'ioredis';
import type { Logger } from './logger';

export function webRedis(url: string, log: Logger): Redis {
  const redis = new IORedis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
  redis.on('error', (error) => log.debug({ err: error.message }, 'redis (web) connection error'));
  return redis;
}

export function workerRedis(url: string, log: Logger): Redis {
  const redis = new IORedis(url, { maxRetriesPerRequest: null, connectTimeout: 5000 });
  redis.on('error', (error) => log.debug({ err: error.message }, 'redis (worker) connection error'));
  return redis;
}

/** Resolves when the connection is ready, or false after `timeoutMs`. */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/** BullMQ loses jobs if Redis evicts keys: say so loudly at start. */
export async function warnUnlessNoEviction(redis: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (reply[1] && reply[1] !== 'noeviction') {
      log.warn({ policy: reply[1] }, 'Redis maxmemory-policy should be "noeviction": queued jobs can be lost otherwise');
    }
  } catch {
    // Managed Redis often forbids CONFIG: nothing to check then.
  }
}
