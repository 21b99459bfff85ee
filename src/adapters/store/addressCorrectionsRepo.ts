// Corrected addresses of representatives (PostgreSQL), kept for every campaign. The claim of a
// letter reads them too (lettersRepo.ts): a letter written to a bounced address goes to its correction.
import type { AddressCorrection, AddressCorrections } from '../../domain/correctAddress';
import type { Db } from '../db';

interface Row {
  bounced_email: string;
  email: string;
  set_by: string;
  set_at: Date;
}

const toCorrection = (r: Row): AddressCorrection => ({ bouncedEmail: r.bounced_email, email: r.email, setBy: r.set_by, setAt: r.set_at });

export function addressCorrectionsRepo(db: Db): AddressCorrections {
  return {
    async set(bouncedEmail, email, by) {
      const { rows } = await db.query<Row>(
        `INSERT INTO address_corrections (bounced_email, email, set_by) VALUES ($1, $2, $3)
         ON CONFLICT (bounced_email) DO UPDATE SET email = EXCLUDED.email, set_by = EXCLUDED.set_by, set_at = now()
         RETURNING bounced_email, email, set_by, set_at`,
        [bouncedEmail, email, by],
      );
      return toCorrection(rows[0]);
    },
    async list() {
      const { rows } = await db.query<Row>('SELECT bounced_email, email, set_by, set_at FROM address_corrections ORDER BY set_at DESC LIMIT 500');
      return rows.map(toCorrection);
    },
    async bounced() {
      const { rows } = await db.query<{ email: string; name: string; letters: number; letter_id: string }>(
        `SELECT lower(l.recipient_email) AS email, max(l.recipient_name) AS name, count(*)::int AS letters, max(l.id::text) AS letter_id
           FROM letters l
          WHERE l.status IN ('bounced', 'dropped') AND l.recipient_email IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM address_corrections c WHERE c.bounced_email = lower(l.recipient_email))
          GROUP BY lower(l.recipient_email) ORDER BY count(*) DESC LIMIT 200`,
      );
      return rows.map(({ letter_id, ...row }) => ({ ...row, letterId: letter_id }));
    },
    async hasBounced(email) {
      const { rows } = await db.query(
        "SELECT 1 FROM letters WHERE lower(recipient_email) = $1 AND status IN ('bounced', 'dropped') LIMIT 1",
        [email],
      );
      return rows.length > 0;
    },
    async readdress(bouncedEmail, email, reason) {
      // Only letters of actions still whole (not erased) and confirmed go again.
      const { rows } = await db.query<{ id: string }>(
        `WITH moved AS (
           UPDATE letters l SET recipient_email = $2, status = 'queued', status_reason = $3, planned_at = NULL, updated_at = now()
             FROM actions a
            WHERE a.id = l.action_id AND a.erased_at IS NULL AND a.confirmed_at IS NOT NULL
              AND lower(l.recipient_email) = $1 AND l.status IN ('bounced', 'dropped', 'failed')
           RETURNING l.id
         )
         INSERT INTO letter_events (letter_id, type, reason) SELECT id, 'queued', $3 FROM moved RETURNING letter_id AS id`,
        [bouncedEmail, email, reason],
      );
      return rows.map((r) => r.id);
    },
  };
}
