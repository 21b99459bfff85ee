// Dashboard sessions on PostgreSQL/PGlite, by the SHA-256 of their secret (the cookie holds the
// secret; the database never does), so that logging out ends a session for good. A session
// belongs to an account: finding it joins the account, so removing the account ends it at once.
import type { Account, Role } from '../../domain/ports';
import type { Db } from '../db';

export interface AdminSessionStore {
  create(idHash: string, account: Account, expiresAt: Date): Promise<void>;
  /** The live session's live account (not revoked, not expired, not removed); null otherwise. */
  find(idHash: string): Promise<Account | null>;
  revoke(idHash: string): Promise<void>;
  /** Ends every session of this account. */
  revokeAll(accountId: string): Promise<number>;
}

export function adminSessionsRepo(db: Db): AdminSessionStore {
  return {
    async create(idHash, account, expiresAt) {
      await db.query('INSERT INTO admin_sessions (id_hash, name, account_id, expires_at) VALUES ($1, $2, $3, $4)', [idHash, account.email, account.id, expiresAt]);
      // Old sessions are of no use to anyone: forget them as new ones come.
      await db.query("DELETE FROM admin_sessions WHERE expires_at < now() - interval '1 day'");
    },
    async find(idHash) {
      const { rows } = await db.query<{ id: string; email: string; role: Role; may_publish: boolean; created_at: Date; created_by: string }>(
        `SELECT a.id, a.email, a.role, a.may_publish, a.created_at, a.created_by
           FROM admin_sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND a.removed_at IS NULL`,
        [idHash],
      );
      const r = rows[0];
      return r ? { id: r.id, email: r.email, role: r.role, mayPublish: r.may_publish, createdAt: r.created_at, createdBy: r.created_by } : null;
    },
    async revoke(idHash) {
      await db.query('UPDATE admin_sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
    },
    async revokeAll(accountId) {
      const { rows } = await db.query(
        'UPDATE admin_sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING id_hash',
        [accountId],
      );
      return rows.length;
    },
  };
}
