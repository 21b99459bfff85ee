// Dashboard sessions on PostgreSQL/PGlite, by the SHA-256 of their secret (the cookie holds the
// secret; the database never does), so that logging out ends a session for good.
import type { Db } from '../db';

export interface AdminSessionStore {
  create(idHash: string, name: string, expiresAt: Date): Promise<void>;
  /** The live session (not revoked, not expired); null otherwise. */
  find(idHash: string): Promise<{ name: string } | null>;
  revoke(idHash: string): Promise<void>;
  /** Signs everyone out. */
  revokeAll(): Promise<number>;
}

export function adminSessionsRepo(db: Db): AdminSessionStore {
  return {
    async create(idHash, name, expiresAt) {
      await db.query('INSERT INTO admin_sessions (id_hash, name, expires_at) VALUES ($1, $2, $3)', [idHash, name, expiresAt]);
      // Old sessions are of no use to anyone: forget them as new ones come.
      await db.query("DELETE FROM admin_sessions WHERE expires_at < now() - interval '1 day'");
    },
    async find(idHash) {
      const { rows } = await db.query<{ name: string }>(
        'SELECT name FROM admin_sessions WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > now()',
        [idHash],
      );
      return rows[0] ?? null;
    },
    async revoke(idHash) {
      await db.query('UPDATE admin_sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
    },
    async revokeAll() {
      const { rows } = await db.query('UPDATE admin_sessions SET revoked_at = now() WHERE revoked_at IS NULL AND expires_at > now() RETURNING id_hash');
      return rows.length;
    },
  };
}
