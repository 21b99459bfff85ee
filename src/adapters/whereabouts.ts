// Where a database or Redis is, said for people (start-up lines, start-up errors): host, port and
// database, never the password a URL may carry.

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
