// One SQL dialect, two engines: PostgreSQL through `pg` when DATABASE_URL is set, embedded
// PGlite otherwise (so a fresh install needs no database server). Repositories see only `Db`.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../domain/errors';

export interface Queryable {
  /**
   * `prepareAs`: a name for the statement, so PostgreSQL parses and plans it once per connection
   * (for hot statements that are long to parse). The same name must always carry the same SQL.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], prepareAs?: string): Promise<{ rows: Row[] }>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// SQLSTATE classes that mean "the database is not there right now", not "this query is wrong".
const OUTAGE_SQLSTATE = /^(08|53|57P)/;
const OUTAGE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH']);

/** Turns "cannot reach the database" into the service's `unavailable` error; other errors pass. */
export function asOutage(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  const outage =
    (typeof code === 'string' && (OUTAGE_SQLSTATE.test(code) || OUTAGE_ERRNO.has(code))) ||
    /Connection terminated|Cannot use a pool after calling end|timeout exceeded when trying to connect/i.test(message);
  return outage ? new AppError('unavailable') : error;
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asOutage(error);
  }
}

export async function openPostgres(url: string): Promise<Db> {
  const { Pool } = await import('pg');
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return {
    query: (sql, params, prepareAs) =>
      guarded(() => (prepareAs ? pool.query({ name: prepareAs, text: sql, values: params as unknown[] }) : pool.query(sql, params as unknown[])) as never),
    exec: (sql) => guarded(async () => void (await pool.query(sql))),
    transaction: (work) =>
      guarded(async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work({
            query: (sql, params) => client.query(sql, params as unknown[]) as never,
            exec: async (sql) => void (await client.query(sql)),
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      }),
    close: () => pool.end(),
  };
}

export async function openPglite(dataDir: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = path.join(dataDir, 'db');
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  return {
    query: (sql, params) => guarded(() => db.query(sql, params as unknown[]) as never),
    exec: (sql) => guarded(async () => void (await db.exec(sql))),
    transaction: (work) =>
      guarded(() =>
        db.transaction((tx) =>
          work({ query: (sql, params) => tx.query(sql, params as unknown[]) as never, exec: async (sql) => void (await tx.exec(sql)) }),
        ),
      ),
    close: () => db.close(),
  };
}

export const openDb = (databaseUrl: string | undefined, dataDir: string): Promise<Db> =>
  databaseUrl ? openPostgres(databaseUrl) : openPglite(dataDir);
