// Secrets the service makes for itself, once, shared by every process through the database (so
// a form shown by one web process is checked by another, and a restart changes nothing).
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';

export async function serviceSecret(db: Db, name: string): Promise<string> {
  await db.query('INSERT INTO service_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url')]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM service_secrets WHERE name = $1', [name]);
  return rows[0].value;
}
