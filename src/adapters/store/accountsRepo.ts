// Campaigners' accounts, sign-in links and API tokens on PostgreSQL/PGlite. Secrets are random
// (24 bytes, base64url) and only their SHA-256 is stored; every check joins the account, so a
// removed account's sessions, links and tokens stop working with the same statement.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Account, AccountStore, Role } from '../../domain/ports';
import type { Db } from '../db';

/** Personal API tokens look like this, so a leaked one is easy to recognise and search for. */
export const API_TOKEN_PREFIX = 'dmpt_';

export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (): string => randomBytes(24).toString('base64url');
const keyOf = (email: string): string => email.trim().toLowerCase();

interface AccountRow {
  id: string;
  email: string;
  role: Role;
  may_publish: boolean;
  created_at: Date;
  created_by: string;
}

const COLUMNS = 'a.id, a.email, a.role, a.may_publish, a.created_at, a.created_by';
const toAccount = (r: AccountRow): Account => ({ id: r.id, email: r.email, role: r.role, mayPublish: r.may_publish, createdAt: r.created_at, createdBy: r.created_by });

export function accountsRepo(db: Db): AccountStore {
  const one = async (sql: string, params: unknown[]): Promise<Account | null> => {
    const { rows } = await db.query<AccountRow>(sql, params);
    return rows[0] ? toAccount(rows[0]) : null;
  };
  return {
    async list() {
      const { rows } = await db.query<AccountRow>(
        `SELECT ${COLUMNS} FROM accounts a WHERE a.removed_at IS NULL
          ORDER BY CASE a.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END, a.email_key`,
      );
      return rows.map(toAccount);
    },
    byId: (id) => one(`SELECT ${COLUMNS} FROM accounts a WHERE a.id = $1 AND a.removed_at IS NULL`, [id]),
    byEmail: (email) => one(`SELECT ${COLUMNS} FROM accounts a WHERE a.email_key = $1 AND a.removed_at IS NULL`, [keyOf(email)]),
    create: ({ email, role, mayPublish, createdBy }) =>
      // A removed account's address can be invited again: the row comes back with the new role.
      one(
        `INSERT INTO accounts AS a (id, email, email_key, role, may_publish, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (email_key) DO UPDATE SET email = EXCLUDED.email, role = EXCLUDED.role, may_publish = EXCLUDED.may_publish,
           created_by = EXCLUDED.created_by, created_at = now(), removed_at = NULL
           WHERE a.removed_at IS NOT NULL
         RETURNING ${COLUMNS}`,
        [randomUUID(), email.trim(), keyOf(email), role, mayPublish, createdBy],
      ),
    createFirstOwner: (email) =>
      db.transaction(async (tx) => {
        // Two first starts at once: the lock makes the second see the first's owner.
        await tx.query('LOCK TABLE accounts IN EXCLUSIVE MODE');
        const { rows: live } = await tx.query('SELECT 1 FROM accounts WHERE removed_at IS NULL LIMIT 1');
        if (live.length > 0) return null; // as anyAccount, inside the lock
        const { rows } = await tx.query<AccountRow>(
          `INSERT INTO accounts AS a (id, email, email_key, role, may_publish, created_by) VALUES ($1, $2, $3, 'owner', true, 'admin token')
           ON CONFLICT (email_key) DO UPDATE SET role = 'owner', may_publish = true, removed_at = NULL, created_at = now(), created_by = 'admin token'
           RETURNING ${COLUMNS}`,
          [randomUUID(), email.trim(), keyOf(email)],
        );
        return toAccount(rows[0]);
      }),
    update: (id, { role, mayPublish }) =>
      one(`UPDATE accounts a SET role = $2, may_publish = $3 WHERE a.id = $1 AND a.removed_at IS NULL RETURNING ${COLUMNS}`, [id, role, mayPublish]),
    remove: (id) =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query('UPDATE accounts SET removed_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING id', [id]);
        if (rows.length === 0) return false;
        await tx.query('UPDATE admin_sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [id]);
        await tx.query('UPDATE api_tokens SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [id]);
        await tx.query('UPDATE sign_in_links SET used_at = now() WHERE account_id = $1 AND used_at IS NULL', [id]);
        return true;
      }),
    async anyAccount() {
      const { rows } = await db.query('SELECT 1 FROM accounts WHERE removed_at IS NULL LIMIT 1');
      return rows.length > 0;
    },
    async countOwners() {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM accounts WHERE role = 'owner' AND removed_at IS NULL");
      return rows[0].n;
    },

    async newSignInLink(accountId, expiresAt) {
      const secret = newSecret();
      await db.query('INSERT INTO sign_in_links (token_hash, account_id, expires_at) VALUES ($1, $2, $3)', [secretHash(secret), accountId, expiresAt]);
      // Old links are of no use to anyone: forget them as new ones come.
      await db.query("DELETE FROM sign_in_links WHERE expires_at < now() - interval '1 day'");
      return secret;
    },
    redeemSignInLink: (secret) =>
      one(
        `WITH used AS (
           UPDATE sign_in_links SET used_at = now()
            WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING account_id)
         SELECT ${COLUMNS} FROM used JOIN accounts a ON a.id = used.account_id WHERE a.removed_at IS NULL`,
        [secretHash(secret)],
      ),
    async signInLinkUsable(secret) {
      const { rows } = await db.query(
        `SELECT 1 FROM sign_in_links l JOIN accounts a ON a.id = l.account_id
          WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > now() AND a.removed_at IS NULL`,
        [secretHash(secret)],
      );
      return rows.length > 0;
    },

    async newApiToken(accountId, label) {
      const id = randomUUID();
      const token = `${API_TOKEN_PREFIX}${newSecret()}`;
      await db.query('INSERT INTO api_tokens (id, account_id, label, token_hash) VALUES ($1, $2, $3, $4)', [id, accountId, label, secretHash(token)]);
      return { id, token };
    },
    async apiTokens(accountId) {
      const { rows } = await db.query<{ id: string; label: string; created_at: Date; last_used_at: Date | null }>(
        'SELECT id, label, created_at, last_used_at FROM api_tokens WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC',
        [accountId],
      );
      return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
    },
    async revokeApiToken(accountId, tokenId) {
      const { rows } = await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL RETURNING id', [tokenId, accountId]);
      return rows.length > 0;
    },
    accountOfApiToken: (secret) =>
      // last_used_at is written at most once a minute per token: a busy script is not a write per call.
      one(
        `WITH t AS (
           UPDATE api_tokens SET last_used_at = now()
            WHERE token_hash = $1 AND revoked_at IS NULL
              AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            RETURNING account_id)
         SELECT ${COLUMNS} FROM api_tokens k JOIN accounts a ON a.id = k.account_id
          WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND a.removed_at IS NULL`,
        [secretHash(secret)],
      ),
  };
}
