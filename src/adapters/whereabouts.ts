// Where a database or Redis is, said for people (start-up lines, start-up errors): host, port and
// database, never the password a URL may carry.
import { ConfigError } from '../config';

/** host:port/database of a PostgreSQL URL. */
export function databaseWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** host:port of a Redis URL. */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'REDIS_URL';
  }
}

/** A database that cannot be used at start is one line naming the setting, not a stack trace. */
export function databaseStartupError(url: string, error: unknown): unknown {
  const code = String((error as { code?: unknown })?.code ?? '');
  const where = databaseWhere(url);
  if (code === 'unavailable') return new ConfigError(`DATABASE_URL (${where}) cannot be reached: start PostgreSQL there, or correct DATABASE_URL.`);
  if (code.startsWith('28')) return new ConfigError(`DATABASE_URL (${where}) refused the user or password: correct DATABASE_URL.`);
  if (code === '3D000') return new ConfigError(`DATABASE_URL (${where}): that database does not exist. Create it (createdb) or correct DATABASE_URL.`);
  return error;
}
