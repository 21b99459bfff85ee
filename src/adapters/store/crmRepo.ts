// The CRM posts (PostgreSQL): recorded first, built from the database when they go.
import type { CrmDelivery, CrmEvent, CrmStore } from '../../domain/ports';
import type { Db, Queryable } from '../db';

interface Row {
  id: string;
  kind: 'supporter' | 'withdrawal' | 'erasure';
  payload: { email?: string; withdrawnAt?: string } | null;
  created_at: Date;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  postal_code: string | null;
  district: string | null;
  province: string | null;
  locale: string | null;
  campaign_slug: string | null;
  source: Record<string, string> | null;
  from_share: boolean | null;
  agreed_at: Date | null;
  wording: string | null;
  wording_sha256: string | null;
  still_agreed: boolean | null;
}

export function crmRepo(db: Db, titleOf: (slug: string) => string): CrmStore {
  function eventOf(r: Row): CrmEvent | null {
    if (r.kind === 'erasure') return r.payload?.email ? { type: 'supporter.erased', supporter: { email: r.payload.email } } : null;
    // Erased meanwhile: nothing of theirs is sent (the erasure tells the CRM if it knew them).
    if (!r.email) return null;
    if (r.kind === 'withdrawal') return { type: 'supporter.withdrawn', supporter: { email: r.email }, withdrawnAt: r.payload?.withdrawnAt ?? r.created_at.toISOString() };
    // Withdrawn before the post went: the CRM never hears of them.
    if (!r.still_agreed) return null;
    return {
      type: 'supporter.opted_in',
      supporter: {
        firstName: r.first_name ?? '', lastName: r.last_name ?? '', email: r.email, postalCode: r.postal_code, riding: r.district, province: r.province, language: r.locale ?? 'en',
      },
      consent: { agreedAt: r.agreed_at!.toISOString(), wording: r.wording ?? '', wordingSha256: r.wording_sha256 ?? '' },
      campaign: { slug: r.campaign_slug ?? '', title: r.campaign_slug ? titleOf(r.campaign_slug) : '' },
      source: r.source,
      fromShare: r.from_share === true,
    };
  }

  return {
    async pending(limit) {
      // Every supporter who agreed to updates and was never posted gets their post recorded (once).
      await db.query(
        `INSERT INTO crm_deliveries (kind, supporter_id, action_id)
         SELECT DISTINCT ON (a.supporter_id) 'supporter', a.supporter_id, a.id
           FROM actions a JOIN consents c ON c.action_id = a.id AND c.purpose = 'updates' AND c.granted AND c.withdrawn_at IS NULL
          WHERE a.confirmed_at IS NOT NULL AND a.supporter_id IS NOT NULL AND a.erased_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM crm_deliveries d WHERE d.kind = 'supporter' AND d.supporter_id = a.supporter_id)
          ORDER BY a.supporter_id, a.confirmed_at
          LIMIT $1
         ON CONFLICT (supporter_id) WHERE kind = 'supporter' DO NOTHING`,
        [limit],
      );
      const { rows } = await db.query<{ id: string }>("SELECT id::text FROM crm_deliveries WHERE status = 'pending' ORDER BY id LIMIT $1", [limit]);
      return rows.map((r) => r.id);
    },
    async load(id): Promise<CrmDelivery | null> {
      const { rows } = await db.query<Row>(
        `SELECT d.id::text, d.kind, d.payload, d.created_at, s.first_name, s.last_name, s.email, a.postal_code, a.district, a.province, a.locale,
                a.campaign_slug, a.source, a.referred_by IS NOT NULL AS from_share, c.created_at AS agreed_at, c.wording, c.wording_sha256,
                (c.granted AND c.withdrawn_at IS NULL) AS still_agreed
           FROM crm_deliveries d
           LEFT JOIN supporters s ON s.id = d.supporter_id
           LEFT JOIN actions a ON a.id = d.action_id
           LEFT JOIN consents c ON c.action_id = a.id AND c.purpose = 'updates'
          WHERE d.id = $1 AND d.status IN ('pending', 'failing')`,
        [id],
      );
      return rows[0] ? { id: rows[0].id, event: eventOf(rows[0]), occurredAt: rows[0].created_at } : null;
    },
    async delivered(id) {
      // An erasure's address is kept no longer than it takes to tell the CRM.
      await db.query("UPDATE crm_deliveries SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL, payload = CASE WHEN kind = 'erasure' THEN NULL ELSE payload END WHERE id = $1", [id]);
    },
    async failed(id, reason, final) {
      await db.query('UPDATE crm_deliveries SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN \'failing\' ELSE status END WHERE id = $1', [id, reason.slice(0, 500), final]);
    },
    async cancelled(id) {
      await db.query("UPDATE crm_deliveries SET status = 'cancelled', payload = NULL WHERE id = $1", [id]);
    },
    async counts() {
      const { rows } = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM crm_deliveries GROUP BY status');
      const last = await db.query<{ last_error: string | null }>("SELECT last_error FROM crm_deliveries WHERE last_error IS NOT NULL AND status <> 'delivered' ORDER BY id DESC LIMIT 1");
      const n = (status: string) => rows.find((r) => r.status === status)?.n ?? 0;
      return { pending: n('pending'), delivered: n('delivered'), failing: n('failing'), lastError: last.rows[0]?.last_error ?? null };
    },
  };
}

/**
 * A withdrawal or an erasure: told to the CRM only about a supporter it was told of. A post of
 * them not delivered yet is cancelled instead (the CRM never hears of them, not even to forget).
 */
export async function recordCrmChange(tx: Queryable, kind: 'withdrawal' | 'erasure', supporterId: string, payload: object): Promise<void> {
  await tx.query(
    `INSERT INTO crm_deliveries (kind, supporter_id, payload)
     SELECT $1, $2::uuid, $3 WHERE EXISTS (SELECT 1 FROM crm_deliveries WHERE kind = 'supporter' AND supporter_id = $2::uuid AND status = 'delivered')`,
    [kind, supporterId, JSON.stringify(payload)],
  );
  await tx.query("UPDATE crm_deliveries SET status = 'cancelled' WHERE kind = 'supporter' AND supporter_id = $1::uuid AND status IN ('pending', 'failing')", [supporterId]);
}
