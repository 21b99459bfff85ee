// LetterStore on PostgreSQL/PGlite. Every status change is one statement that updates the
// letter only if the transition table allows it and appends the event in the same breath.
import type { Locale } from '../../domain/campaign';
import type { LetterStatus } from '../../domain/letterStatus';
import { statusesThatCanMoveTo } from '../../domain/letterStatus';
import type { ClaimedLetter, LetterStore, LetterWriting, ResolvedLetter, StatusChange } from '../../domain/ports';
import type { Level } from '../../domain/offices';
import type { Db } from '../db';
import { textToHtml } from '../campaigns/letterTemplates';
import type { PostalCode } from '../../domain/postalCode';

interface ClaimRow {
  id: string;
  campaign_slug: string;
  recipient_email: string;
  recipient_name: string;
  subject: string;
  body_text: string;
  /** Written by versions that stored the HTML twin; now made from the text when sent. */
  body_html: string | null;
  locale: Locale;
  email: string;
  first_name: string;
  last_name: string;
}

export function lettersRepo(db: Db): LetterStore {
  return {
    async claim(letterId): Promise<ClaimedLetter | null> {
      const { rows } = await db.query<ClaimRow>(
        `WITH claimed AS (
           -- A representative's corrected address replaces the one that bounced (correctAddress.ts).
           UPDATE letters l SET status = 'sending', attempts = l.attempts + 1, status_reason = NULL, updated_at = now(),
                  recipient_email = COALESCE((SELECT c.email FROM address_corrections c WHERE c.bounced_email = lower(l.recipient_email)), l.recipient_email)
             FROM actions a JOIN supporters s ON s.id = a.supporter_id
            WHERE l.id = $1 AND a.id = l.action_id AND l.recipient_email IS NOT NULL AND a.confirmed_at IS NOT NULL
              AND l.status = ANY($2)
           RETURNING l.id, l.campaign_slug, l.recipient_email, l.recipient_name, l.subject, l.body_text, l.body_html, l.locale, s.email, s.first_name, s.last_name
         ), noted AS (
           INSERT INTO letter_events (letter_id, type) SELECT id, 'sending' FROM claimed
         )
         SELECT * FROM claimed`,
        [letterId, statusesThatCanMoveTo('sending')],
      );
      if (rows.length === 0) return null;
      const r = rows[0];
      return {
        id: r.id,
        campaignSlug: r.campaign_slug,
        locale: r.locale,
        to: { email: r.recipient_email, name: r.recipient_name },
        replyTo: { email: r.email, name: `${r.first_name} ${r.last_name}` },
        subject: r.subject,
        text: r.body_text,
        html: r.body_html ?? textToHtml(r.body_text, r.locale),
      };
    },

    async move(letterId, to, change: StatusChange = {}) {
      const { rows } = await db.query(
        `WITH moved AS (
           UPDATE letters SET status = $2, status_reason = $3,
                  provider_message_id = COALESCE($4, provider_message_id), updated_at = now()
            WHERE id = $1 AND status = ANY($5)
           RETURNING id
         )
         INSERT INTO letter_events (letter_id, type, reason, at) SELECT id, $2, $3, COALESCE($6, clock_timestamp()) FROM moved RETURNING letter_id`,
        [letterId, to, change.reason ?? null, change.providerMessageId ?? null, statusesThatCanMoveTo(to), change.at ?? null],
      );
      return rows.length > 0;
    },

    async explain(letterId, reason) {
      await db.query("UPDATE letters SET status_reason = $2 WHERE id = $1 AND status = 'queued'", [letterId, reason]);
    },

    async timesUncertain(letterId) {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM letter_events WHERE letter_id = $1 AND type = 'uncertain'", [letterId]);
      return rows[0].n;
    },

    async explainQueued(reason) {
      await db.query("UPDATE letters SET status_reason = $1 WHERE status = 'queued' AND status_reason IS DISTINCT FROM $1", [reason]);
    },

    async note(letterId, type, reason, at) {
      await db.query('INSERT INTO letter_events (letter_id, type, reason, at) VALUES ($1, $2, $3, COALESCE($4, clock_timestamp()))', [
        letterId, type, reason, at ?? null,
      ]);
    },

    async status(letterId) {
      const { rows } = await db.query<{ status: LetterStatus }>('SELECT status FROM letters WHERE id = $1', [letterId]);
      return rows[0]?.status ?? null;
    },

    pendingLookup: (letterId) => readWriting(db, letterId, 'awaiting_lookup'),

    queuedLetter: (letterId) => readWriting(db, letterId, 'queued'),

    async unsentTo(campaignSlug, targetId, exceptEmail) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM letters WHERE campaign_slug = $1 AND target_id = $2 AND status = 'queued' AND lower(recipient_email) IS DISTINCT FROM lower($3) ORDER BY id LIMIT 10000`,
        [campaignSlug, targetId, exceptEmail],
      );
      return rows.map((r) => r.id);
    },

    async rewrite(letterId, { recipient, rendered, office = null, lookedUpAt = null, reason }) {
      const { rows } = await db.query(
        `WITH rewritten AS (
           UPDATE letters SET recipient_name = $2, recipient_role = $3, recipient_email = $4, district = $5, subject = $6, body_text = $7,
                  office = COALESCE($8, office), looked_up_at = COALESCE($9, looked_up_at), planned_at = NULL, updated_at = now()
            WHERE id = $1 AND status = 'queued'
           RETURNING id
         )
         INSERT INTO letter_events (letter_id, type, reason) SELECT id, 'recipient_changed', $10 FROM rewritten RETURNING letter_id`,
        [letterId, recipient.name, recipient.role, recipient.email, recipient.district, rendered.subject, rendered.text, office, lookedUpAt, reason],
      );
      return rows.length > 0;
    },

    async touchLookup(letterId, lookedUpAt) {
      await db.query('UPDATE letters SET looked_up_at = GREATEST(looked_up_at, $2) WHERE id = $1', [letterId, lookedUpAt]);
    },

    async resolveLookup(letterId, { recipient, rendered, province, office, lookedUpAt, status, reason }: ResolvedLetter) {
      const { rows } = await db.query(
        `WITH resolved AS (
           UPDATE letters SET recipient_name = $2, recipient_role = $3, recipient_email = $4, district = $5,
                  subject = $6, body_text = $7, status = $9, status_reason = $10, office = $11, looked_up_at = $12, updated_at = now()
            WHERE id = $1 AND status = 'awaiting_lookup'
           RETURNING id, action_id, level
         ), riding AS (
           -- The action's riding is the federal one.
           UPDATE actions a SET district = CASE WHEN r.level = 'federal' THEN $5 ELSE a.district END, province = COALESCE($8, a.province),
                  district_choice = CASE WHEN r.level = 'federal' THEN NULL ELSE a.district_choice END
             FROM resolved r WHERE a.id = r.action_id
         )
         INSERT INTO letter_events (letter_id, type, reason) SELECT id, $9, $10 FROM resolved RETURNING letter_id`,
        [letterId, recipient.name, recipient.role, recipient.email, recipient.district, rendered?.subject ?? null, rendered?.text ?? null, province, status, reason, office, lookedUpAt],
      );
      return rows.length > 0;
    },

    async stale(statuses, olderThanMs, limit, exceptCampaigns = []) {
      const { rows } = await db.query<{ id: string; status: LetterStatus }>(
        `SELECT id, status FROM letters
          WHERE status = ANY($1) AND updated_at < now() - $2 * interval '1 millisecond'
            AND NOT (campaign_slug = ANY($4)) AND (planned_at IS NULL OR planned_at < now())
          ORDER BY updated_at LIMIT $3`,
        [statuses, olderThanMs, limit, exceptCampaigns],
      );
      return rows;
    },

    async queuedOf(campaignSlug, afterId, limit) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM letters WHERE campaign_slug = $1 AND status = 'queued' AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
        [campaignSlug, afterId, limit],
      );
      return rows.map((r) => r.id);
    },

    async deliveryPlan(letterId, staleAfterMs) {
      const { rows } = await db.query<{
        campaign_slug: string; status: LetterStatus; recipient_email: string | null; planned_at: Date | null; abandoned: boolean;
        legislature: string | null; level: Level | null; looked_up_at: Date | null;
      }>(
        `SELECT campaign_slug, status, recipient_email, planned_at, legislature, level, looked_up_at,
                status = 'sending' AND updated_at < now() - $2 * interval '1 millisecond' AS abandoned
           FROM letters WHERE id = $1`,
        [letterId, staleAfterMs],
      );
      const r = rows[0];
      return r
        ? {
            campaignSlug: r.campaign_slug, status: r.status, recipientEmail: r.recipient_email, plannedAt: r.planned_at, abandoned: r.abandoned,
            legislature: r.legislature, level: r.level, lookedUpAt: r.looked_up_at,
          }
        : null;
    },

    async reserveSlot(letterId, targetKey, choose) {
      return db.transaction(async (tx) => {
        // The row lock makes letters to one target take their slots one after another.
        await tx.query(`INSERT INTO target_slots (target_key, next_free) VALUES ($1, NULL) ON CONFLICT (target_key) DO NOTHING`, [targetKey]);
        const { rows } = await tx.query<{ next_free: Date | null }>('SELECT next_free FROM target_slots WHERE target_key = $1 FOR UPDATE', [targetKey]);
        const planned = choose(rows[0].next_free);
        await tx.query('UPDATE target_slots SET next_free = $2 WHERE target_key = $1', [targetKey, planned.nextFree]);
        await tx.query('UPDATE letters SET planned_at = $2 WHERE id = $1', [letterId, planned.slot]);
        return planned.slot;
      });
    },
  };
}

/** What writing (or writing again) an office letter needs: its action's supporter, version and riding. */
async function readWriting(db: Db, letterId: string, status: 'awaiting_lookup' | 'queued'): Promise<LetterWriting | null> {
  const { rows } = await db.query<{
    id: string; campaign_slug: string; campaign_version: number | null; target_id: string; locale: Locale; district: string | null; message: string | null;
    legislature: string | null; lookup_fresh_after: Date | null; level: Level | null; office: string | null; looked_up_at: Date | null;
    recipient_name: string | null; recipient_email: string | null;
    email: string; first_name: string; last_name: string; address: string | null; city: string | null;
    province: string | null; postal_code: string;
  }>(
    `SELECT l.id, l.campaign_slug, a.campaign_version, l.target_id, l.locale, COALESCE(a.district_choice, a.district) AS district, a.message,
            l.legislature, l.lookup_fresh_after, l.level, l.office, l.looked_up_at, l.recipient_name, l.recipient_email,
            s.email, s.first_name, s.last_name, s.address, s.city, a.province, a.postal_code
       FROM letters l JOIN actions a ON a.id = l.action_id JOIN supporters s ON s.id = a.supporter_id
      WHERE l.id = $1 AND l.status = $2 AND a.confirmed_at IS NOT NULL`,
    [letterId, status],
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return {
    letterId: r.id,
    campaignSlug: r.campaign_slug,
    campaignVersion: r.campaign_version,
    targetId: r.target_id,
    locale: r.locale,
    district: r.district,
    message: r.message,
    legislature: r.legislature,
    freshAfter: r.lookup_fresh_after,
    level: r.level,
    office: r.office,
    lookedUpAt: r.looked_up_at,
    recipient: r.recipient_name ? { name: r.recipient_name, email: r.recipient_email } : null,
    supporter: {
      email: r.email, firstName: r.first_name, lastName: r.last_name, address: r.address, city: r.city,
      // Stored as normalised when the action was taken.
      province: r.province, postalCode: r.postal_code as PostalCode,
    },
  };
}
