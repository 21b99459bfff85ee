// Stores behind the worker's maintenance: once-per-period claims, pending petition ridings and
// the retention scrub (which shares eraseActions with a supporter's erasure).
import type { Db } from '../db';
import { eraseActions } from './eraseActions';
import type { MaintenanceStore, RetentionStore } from '../../domain/ports';
import type { PostalCode } from '../../domain/postalCode';

export function maintenanceRepo(db: Db): MaintenanceStore & RetentionStore {
  return {
    async claimRun(name, everyMs) {
      const { rows } = await db.query(
        `INSERT INTO maintenance_runs (name, last_run_at) VALUES ($1, now())
         ON CONFLICT (name) DO UPDATE SET last_run_at = now()
          WHERE maintenance_runs.last_run_at < now() - $2 * interval '1 millisecond'
         RETURNING name`,
        [name, everyMs],
      );
      return rows.length > 0;
    },

    async pendingRidings(limit) {
      const { rows } = await db.query<{ id: string; postal_code: string }>(
        'SELECT id, postal_code FROM actions WHERE district_pending AND postal_code IS NOT NULL ORDER BY created_at LIMIT $1',
        [limit],
      );
      // Stored as normalised when the signature was taken.
      return rows.map((r) => ({ actionId: r.id, postalCode: r.postal_code as PostalCode }));
    },

    async setRiding(actionId, district) {
      await db.query('UPDATE actions SET district = $2, district_pending = false WHERE id = $1', [actionId, district]);
    },

    async lastActionAt(slug) {
      const { rows } = await db.query<{ at: Date | null }>('SELECT max(created_at) AS at FROM actions WHERE campaign_slug = $1', [slug]);
      return rows[0]?.at ?? null;
    },

    async scrubBatch(slug, limit) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string; supporter_id: string }>(
          `SELECT id, supporter_id FROM actions WHERE campaign_slug = $1 AND erased_at IS NULL AND supporter_id IS NOT NULL
            ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [slug, limit],
        );
        if (rows.length === 0) return { actions: 0, supporters: 0, consents: 0, letters: 0, copies: [] };
        const erased = await eraseActions(tx, rows.map((r) => r.id), 'The campaign’s retention period is over.');
        // A supporter who acted on other campaigns stays for those; the others go entirely.
        const supporters = await tx.query(
          'DELETE FROM supporters s WHERE s.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.supporter_id = s.id) RETURNING id',
          [rows.map((r) => r.supporter_id)],
        );
        return {
          actions: erased.rows.actions,
          supporters: supporters.rows.length,
          consents: erased.rows.consents,
          letters: erased.rows.letters,
          copies: erased.copies,
        };
      });
    },

    async logErasure(by, rows) {
      await db.query('INSERT INTO erasures (by, row_counts) VALUES ($1, $2)', [by, JSON.stringify(rows)]);
    },
  };
}
