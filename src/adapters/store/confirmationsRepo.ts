// ConfirmationStore on PostgreSQL/PGlite. Confirming is one statement: two clicks at once
// cannot both release the letters (the second finds confirmed_at already set).
import type { Locale } from '../../domain/campaign';
import { confirmationEmailId } from '../../domain/supporterEmails';
import type { Db } from '../db';
import type { ConfirmationEmail, ConfirmationStore, PendingConfirmation } from '../../domain/ports';

interface ActionRow {
  id: string;
  campaign_slug: string;
  locale: Locale;
  confirmed_at: Date | null;
  confirm_expires_at: Date;
}

const pending = (r: ActionRow): PendingConfirmation => ({
  actionId: r.id,
  campaignSlug: r.campaign_slug,
  locale: r.locale,
  confirmedAt: r.confirmed_at,
  expiresAt: r.confirm_expires_at,
});

// Known, not erased, and either confirmed already or still inside its time.
const LIVE = `confirm_token = $1 AND erased_at IS NULL AND (confirmed_at IS NOT NULL OR confirm_expires_at > $2)`;

export function confirmationsRepo(db: Db): ConfirmationStore {
  return {
    async find(token, now) {
      const { rows } = await db.query<ActionRow>(
        `SELECT id, campaign_slug, locale, confirmed_at, confirm_expires_at FROM actions WHERE ${LIVE}`,
        [token, now],
      );
      return rows[0] ? pending(rows[0]) : null;
    },

    async confirm(token, now) {
      const { rows } = await db.query<ActionRow & { newly: boolean; letters: Array<{ id: string; status: string }> | null }>(
        `WITH target AS (
           SELECT id, campaign_slug, locale, confirmed_at, confirm_expires_at FROM actions WHERE ${LIVE}
         ), confirmed AS (
           UPDATE actions a SET confirmed_at = $2, pending_details = NULL FROM target t
            WHERE a.id = t.id AND a.confirmed_at IS NULL AND a.erased_at IS NULL AND a.confirm_token = $1 RETURNING a.id
         ), applied AS (
           -- What the supporter typed with this action, now that the address is proven theirs (a
           -- form that did not ask for the street address or city keeps the known ones).
           UPDATE supporters t SET email = d.email, first_name = d.first_name, last_name = d.last_name,
                  address = COALESCE(d.address, t.address), city = COALESCE(d.city, t.city), province = d.province,
                  postal_code = d.postal_code, updated_at = now()
             FROM actions a CROSS JOIN LATERAL jsonb_to_record(a.pending_details)
                  AS d (email text, first_name text, last_name text, address text, city text, province text, postal_code text)
            WHERE a.id IN (SELECT id FROM confirmed) AND t.id = a.supporter_id
         ), released AS (
           UPDATE letters l SET status = CASE WHEN l.body_text IS NULL THEN 'awaiting_lookup' ELSE 'queued' END, updated_at = now()
             FROM confirmed c WHERE l.action_id = c.id AND l.status = 'awaiting_confirmation'
           RETURNING l.id, l.status
         ), noted AS (
           INSERT INTO letter_events (letter_id, type, reason) SELECT id, status, 'confirmed by the supporter' FROM released
         )
         SELECT t.id, t.campaign_slug, t.locale, COALESCE(t.confirmed_at, $2) AS confirmed_at, t.confirm_expires_at,
                EXISTS (SELECT 1 FROM confirmed) AS newly,
                (SELECT json_agg(json_build_object('id', id, 'status', status)) FROM released) AS letters
           FROM target t`,
        [token, now],
      );
      const r = rows[0];
      if (!r) return null;
      return { action: pending(r), newly: r.newly, letters: r.letters ?? [] };
    },

    async emailFor(actionId): Promise<ConfirmationEmail | null> {
      const { rows } = await db.query<ActionRow & { confirm_token: string; token: string; confirm_sent_at: Date | null; email: string; first_name: string; last_name: string }>(
        `SELECT a.id, a.campaign_slug, a.locale, a.confirmed_at, a.confirm_expires_at, a.confirm_token, a.token, a.confirm_sent_at,
                s.email, s.first_name, s.last_name
           FROM actions a JOIN supporters s ON s.id = a.supporter_id
          WHERE a.id = $1 AND a.confirm_token IS NOT NULL AND a.erased_at IS NULL`,
        [actionId],
      );
      const r = rows[0];
      if (!r) return null;
      return {
        ...pending(r),
        token: r.confirm_token,
        statusToken: r.token,
        sentAt: r.confirm_sent_at,
        supporter: { email: r.email, firstName: r.first_name, lastName: r.last_name },
      };
    },

    async markSent(actionId) {
      await db.query('UPDATE actions SET confirm_sent_at = now() WHERE id = $1', [actionId]);
    },

    async unsent(olderThanMs, limit) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM actions
          WHERE confirmed_at IS NULL AND confirm_sent_at IS NULL AND confirm_token IS NOT NULL AND erased_at IS NULL
            AND created_at < now() - $1 * interval '1 millisecond'
          ORDER BY created_at LIMIT $2`,
        [olderThanMs, limit],
      );
      return rows.map((r) => r.id);
    },

    async deleteExpired(now, limit) {
      return db.transaction(async (tx) => {
        const doomed = await tx.query<{ id: string; supporter_id: string | null }>(
          `SELECT id, supporter_id FROM actions WHERE confirmed_at IS NULL AND confirm_expires_at < $1
            ORDER BY confirm_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, limit],
        );
        const actionIds = doomed.rows.map((r) => r.id);
        if (actionIds.length === 0) return { actions: 0, supporters: 0, copies: [] };
        const letters = await tx.query<{ id: string }>('SELECT id FROM letters WHERE action_id = ANY($1)', [actionIds]);
        const notes = await tx.query<{ id: string }>('SELECT id FROM supporter_emails WHERE action_id = ANY($1)', [actionIds]);
        // Letters, their events, the consents and the notes to the supporter go with the action (ON DELETE CASCADE).
        await tx.query('DELETE FROM actions WHERE id = ANY($1)', [actionIds]);
        const supporters = await tx.query(
          `DELETE FROM supporters s WHERE s.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.supporter_id = s.id) RETURNING id`,
          [doomed.rows.map((r) => r.supporter_id).filter(Boolean)],
        );
        const rows = { actions: actionIds.length, supporters: supporters.rows.length, letters: letters.rows.length };
        await tx.query('INSERT INTO erasures (by, row_counts) VALUES ($1, $2)', ['expiry of unconfirmed actions', JSON.stringify(rows)]);
        return { actions: actionIds.length, supporters: supporters.rows.length, copies: [...letters.rows.map((r) => r.id), ...actionIds.map(confirmationEmailId), ...notes.rows.map((r) => r.id)] };
      });
    },
  };
}
