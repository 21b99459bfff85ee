// Numbered plain-SQL migrations from data/migrations, applied in order at start, each once.
// An advisory lock makes concurrent starts (several web and worker processes) take turns.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';

const LOCK_ID = 4_242_001;

export async function migrate(db: Db, dir: string): Promise<string[]> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort();
  return db.transaction(async (tx) => {
    // Transaction-scoped, so it is released even if a migration fails.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
    return applied;
  });
}
