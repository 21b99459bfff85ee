// The campaigners' queries on PostgreSQL/PGlite: stats, letter search and history, retry
// bookkeeping, CSV export in keyset batches (constant memory), and erasure.
import { recordCrmChange } from './crmRepo';
import type { Level } from '../../domain/offices';
import type { CampaignStats } from '../../domain/campaignStats';
import type { LetterStatus } from '../../domain/letterStatus';
import type { LetterFilters, LetterHistory, LetterSummary } from '../../domain/letterSearch';
import { invalidCursor } from '../../domain/letterSearch';
import type { Db } from '../db';
import { eraseActions } from './eraseActions';
import type { ErasureStore, HealthCounts, LetterSearchStore, RetryStore, StatsStore } from '../../domain/ports';

export type { CampaignStats };

// Keyset cursors use the exact creation time in microseconds (a JS Date keeps only milliseconds,
// and letters written in one transaction share a timestamp) plus the id to break ties.
const MICROS = `(extract(epoch FROM l.created_at) * 1000000)::bigint`;
const AFTER_MICROS = (param: string) => `'epoch'::timestamptz + ${param}::bigint * interval '1 microsecond'`;

const encodeCursor = (micros: string, id: string) => Buffer.from(`${micros}|${id}`).toString('base64url');

function decodeCursor(raw: string): { micros: string; id: string } {
  const [micros, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!/^\d{1,18}$/.test(micros ?? '') || !/^[0-9a-f-]{36}$/i.test(id ?? '')) throw invalidCursor();
  return { micros, id };
}

interface LetterRow {
  id: string;
  action_id: string;
  target_id: string;
  recipient_name: string | null;
  recipient_role: string;
  district: string | null;
  recipient_email: string | null;
  subject: string | null;
  status: LetterStatus;
  status_reason: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  planned_at: Date | null;
}

const LETTER_COLUMNS = `l.id, l.action_id, l.target_id, l.recipient_name, l.recipient_role, l.district, l.recipient_email,
  l.subject, l.status, l.status_reason, l.attempts, l.created_at, l.updated_at, l.planned_at`;

const summary = (r: LetterRow): LetterSummary => ({
  id: r.id,
  actionId: r.action_id,
  target: r.target_id,
  recipient: { name: r.recipient_name, role: r.recipient_role, district: r.district, email: r.recipient_email },
  subject: r.subject,
  status: r.status,
  reason: r.status_reason,
  attempts: r.attempts,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  plannedAt: r.planned_at,
});

export interface ExportRow {
  letter_id: string;
  created_at: Date;
  target: string;
  level: string | null;
  office: string | null;
  source: string | null;
  medium: string | null;
  from_share: boolean;
  recipient_name: string | null;
  recipient_email: string | null;
  district: string | null;
  subject: string | null;
  status: string;
  reason: string | null;
  attempts: number;
  updated_at: Date;
  province: string | null;
  supporter_first_name: string | null;
  supporter_last_name: string | null;
  supporter_email: string | null;
  supporter_city: string | null;
  supporter_postal_code: string | null;
  consent_updates: boolean | null;
}

/** One supporter of a campaign, as the organisation's CRM takes them. */
export interface SupporterRow {
  first_name: string;
  last_name: string;
  email: string;
  postal_code: string | null;
  riding: string | null;
  province: string | null;
  language: string;
  acted_at: Date;
  updates: boolean;
  updates_agreed_at: Date | null;
  updates_withdrawn_at: Date | null;
  updates_wording_sha256: string | null;
  source: string | null;
  medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  src: string | null;
  from_share: boolean;
}

export interface AdminRepo extends StatsStore, HealthCounts, LetterSearchStore, RetryStore, ErasureStore {
  exportRows(slug: string, batchSize?: number): AsyncGenerator<ExportRow>;
  /** One row per confirmed, not erased supporter; `updatesOnly`: those who agreed to updates and have not withdrawn. */
  supporterRows(slug: string, updatesOnly: boolean, batchSize?: number): AsyncGenerator<SupporterRow>;
}

export function adminRepo(db: Db): AdminRepo {
  return {
    async actionCounts(slug) {
      const { rows } = await db.query<{ actions: number; last_hour: number; confirmed: number; unconfirmed: number }>(
        `SELECT count(*)::int AS actions, count(*) FILTER (WHERE created_at > now() - interval '1 hour')::int AS last_hour,
                count(*) FILTER (WHERE confirmed_at IS NOT NULL)::int AS confirmed, count(*) FILTER (WHERE confirmed_at IS NULL)::int AS unconfirmed
           FROM actions WHERE campaign_slug = $1`,
        [slug],
      );
      const r = rows[0];
      return { actions: r.actions, lastHour: r.last_hour, confirmed: r.confirmed, unconfirmed: r.unconfirmed };
    },
    async recentLetterCounts() {
      // Index range scans on (status, updated_at): what waits, and what SendGrid took in the last day.
      const { rows } = await db.query<{ status: LetterStatus; count: number }>(
        `SELECT status, count(*)::int AS count FROM letters
          WHERE status IN ('awaiting_lookup', 'uncertain')
             OR (status IN ('accepted', 'deferred', 'delivered', 'bounced', 'dropped') AND updated_at > now() - interval '1 day')
          GROUP BY status`,
      );
      return rows;
    },
    async letterCounts(slug) {
      const { rows } = await db.query<{ status: LetterStatus; count: number }>(
        'SELECT status, count(*)::int AS count FROM letters WHERE campaign_slug = $1 GROUP BY status',
        [slug],
      );
      return rows;
    },
    async actionsByProvince(slug) {
      return (
        await db.query<{ province: string | null; actions: number }>(
          'SELECT province, count(*)::int AS actions FROM actions WHERE campaign_slug = $1 GROUP BY province ORDER BY actions DESC, province',
          [slug],
        )
      ).rows;
    },
    async actionsByDistrict(slug) {
      return (
        await db.query<{ district: string | null; actions: number }>(
          'SELECT district, count(*)::int AS actions FROM actions WHERE campaign_slug = $1 GROUP BY district ORDER BY actions DESC, district',
          [slug],
        )
      ).rows;
    },
    async lettersByTarget(slug) {
      const { rows } = await db.query<{ target: string; level: Level | null; office: string | null; status: LetterStatus; count: number }>(
        `SELECT target_id AS target, level, office, status, count(*)::int AS count FROM letters WHERE campaign_slug = $1
          GROUP BY target_id, level, office, status ORDER BY min(position), target_id, office`,
        [slug],
      );
      return rows;
    },
    async actionsBySource(slug) {
      const [sources, shares] = await Promise.all([
        db.query<{ source: string | null; medium: string | null; actions: number }>(
          `SELECT source->>'utm_source' AS source, source->>'utm_medium' AS medium, count(*)::int AS actions
             FROM actions WHERE campaign_slug = $1 GROUP BY 1, 2 ORDER BY actions DESC, source NULLS LAST, medium NULLS LAST LIMIT 50`,
          [slug],
        ),
        db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE campaign_slug = $1 AND referred_by IS NOT NULL', [slug]),
      ]);
      return { bySource: sources.rows, fromShares: shares.rows[0].n };
    },
    async lettersByDistrict(slug) {
      // Each level's own ridings (a provincial riding is not a federal one): the 20 busiest per level.
      const { rows } = await db.query<{ level: Level; district: string; letters: number }>(
        `SELECT level, district, letters FROM (
           SELECT level, district, count(*)::int AS letters, row_number() OVER (PARTITION BY level ORDER BY count(*) DESC, district) AS n
             FROM letters WHERE campaign_slug = $1 AND level IS NOT NULL AND district IS NOT NULL GROUP BY level, district
         ) ranked WHERE n <= 20 ORDER BY level, letters DESC, district`,
        [slug],
      );
      return rows;
    },
    async actionsPerDay(slug) {
      // Days in Eastern time, where the House sits.
      const { rows } = await db.query<{ day: string; actions: number }>(
        `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'America/Toronto'), 'YYYY-MM-DD') AS day, count(*)::int AS actions
           FROM actions WHERE campaign_slug = $1 GROUP BY 1 ORDER BY 1`,
        [slug],
      );
      return rows;
    },

    async list(slug, filters: LetterFilters, limit, cursor: string | null) {
      const after = cursor ? decodeCursor(cursor) : null;
      const where = ['l.campaign_slug = $1'];
      const params: unknown[] = [slug];
      const add = (clause: string, value: unknown) => {
        params.push(value);
        where.push(clause.replace('?', `$${params.length}`));
      };
      if (filters.status) add('l.status = ?', filters.status);
      if (filters.target) add('l.target_id = ?', filters.target);
      if (filters.district) add('l.district = ?', filters.district);
      if (filters.from) add('l.created_at >= ?', filters.from);
      if (filters.to) add('l.created_at < ?', filters.to);
      if (after) {
        params.push(after.micros, after.id);
        where.push(`(l.created_at, l.id) < (${AFTER_MICROS(`$${params.length - 1}`)}, $${params.length}::uuid)`);
      }
      params.push(limit);
      const { rows } = await db.query<LetterRow & { micros: string }>(
        `SELECT ${LETTER_COLUMNS}, ${MICROS}::text AS micros FROM letters l
          WHERE ${where.join(' AND ')} ORDER BY l.created_at DESC, l.id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => ({ ...summary(r), cursor: encodeCursor(r.micros, r.id) }));
    },

    async history(letterId): Promise<LetterHistory | null> {
      const { rows } = await db.query<LetterRow & { campaign_slug: string; provider_message_id: string | null }>(
        `SELECT ${LETTER_COLUMNS}, l.campaign_slug, l.provider_message_id FROM letters l WHERE l.id = $1`,
        [letterId],
      );
      if (rows.length === 0) return null;
      const events = await db.query<{ type: string; at: Date; reason: string | null }>(
        'SELECT type, at, reason FROM letter_events WHERE letter_id = $1 ORDER BY at, id',
        [letterId],
      );
      return { ...summary(rows[0]), campaign: rows[0].campaign_slug, providerMessageId: rows[0].provider_message_id, events: events.rows };
    },

    async retryInfo(letterId) {
      const { rows } = await db.query<{ status: LetterStatus; campaign_slug: string; has_address: boolean; erased: boolean; confirmed: boolean }>(
        `SELECT l.status, l.campaign_slug, l.recipient_email IS NOT NULL AS has_address, a.erased_at IS NOT NULL AS erased, a.confirmed_at IS NOT NULL AS confirmed
           FROM letters l JOIN actions a ON a.id = l.action_id WHERE l.id = $1`,
        [letterId],
      );
      const r = rows[0];
      return r ? { status: r.status, campaignSlug: r.campaign_slug, hasAddress: r.has_address, erased: r.erased, confirmed: r.confirmed } : null;
    },
    async retryable(slug, statuses, limit) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT l.id FROM letters l JOIN actions a ON a.id = l.action_id
          WHERE l.campaign_slug = $1 AND l.status = ANY($2) AND a.erased_at IS NULL AND a.confirmed_at IS NOT NULL
          ORDER BY l.created_at LIMIT $3`,
        [slug, statuses, limit],
      );
      return rows.map((r) => r.id);
    },

    async *exportRows(slug: string, batchSize = 1000): AsyncGenerator<ExportRow> {
      let after: { micros: string; id: string } | null = null;
      for (;;) {
        const result: { rows: ExportRow[] } = await db.query<ExportRow>(
          `SELECT l.id AS letter_id, l.created_at, l.target_id AS target, l.level, l.office, a.source->>'utm_source' AS source, a.source->>'utm_medium' AS medium,
                  a.referred_by IS NOT NULL AS from_share, l.recipient_name, l.recipient_email, COALESCE(l.district, a.district) AS district,
                  l.subject, l.status, l.status_reason AS reason, l.attempts, l.updated_at, a.province,
                  s.first_name AS supporter_first_name, s.last_name AS supporter_last_name, s.email AS supporter_email,
                  s.city AS supporter_city, s.postal_code AS supporter_postal_code,
                  (SELECT c.granted FROM consents c WHERE c.action_id = a.id AND c.purpose = 'updates' LIMIT 1) AS consent_updates,
                  ${MICROS}::text AS micros
             FROM letters l JOIN actions a ON a.id = l.action_id LEFT JOIN supporters s ON s.id = a.supporter_id
            WHERE l.campaign_slug = $1 AND ($2::text IS NULL OR (l.created_at, l.id) > (${AFTER_MICROS('$2')}, $3::uuid))
            ORDER BY l.created_at, l.id LIMIT $4`,
          [slug, after?.micros ?? null, after?.id ?? null, batchSize],
        );
        const rows: ExportRow[] = result.rows;
        yield* rows;
        if (rows.length < batchSize) return;
        const last = rows[rows.length - 1] as ExportRow & { micros: string };
        after = { micros: last.micros, id: last.letter_id };
      }
    },

    async *supporterRows(slug: string, updatesOnly: boolean, batchSize = 1000): AsyncGenerator<SupporterRow> {
      let after: string | null = null;
      for (;;) {
        const result: { rows: Array<SupporterRow & { action_id: string }> } = await db.query<SupporterRow & { action_id: string }>(
          `SELECT a.id AS action_id, s.first_name, s.last_name, s.email, a.postal_code, a.district AS riding, a.province, a.locale AS language,
                  a.confirmed_at AS acted_at,
                  COALESCE(c.granted AND c.withdrawn_at IS NULL, false) AS updates, CASE WHEN c.granted THEN c.created_at END AS updates_agreed_at,
                  c.withdrawn_at AS updates_withdrawn_at, c.wording_sha256 AS updates_wording_sha256,
                  a.source->>'utm_source' AS source, a.source->>'utm_medium' AS medium, a.source->>'utm_campaign' AS utm_campaign,
                  a.source->>'utm_content' AS utm_content, a.source->>'src' AS src, a.referred_by IS NOT NULL AS from_share
             FROM actions a JOIN supporters s ON s.id = a.supporter_id
             LEFT JOIN consents c ON c.action_id = a.id AND c.purpose = 'updates'
            WHERE a.campaign_slug = $1 AND a.confirmed_at IS NOT NULL AND a.erased_at IS NULL
              AND (NOT $2::boolean OR (c.granted AND c.withdrawn_at IS NULL))
              AND ($3::uuid IS NULL OR a.id > $3::uuid)
            ORDER BY a.id LIMIT $4`,
          [slug, updatesOnly, after, batchSize],
        );
        yield* result.rows.map(({ action_id: _, ...row }) => row);
        if (result.rows.length < batchSize) return;
        after = result.rows[result.rows.length - 1].action_id;
      }
    },

    async erase(emailKey, by) {
      return db.transaction(async (tx) => {
        const found = await tx.query<{ id: string; email: string }>('SELECT id, email FROM supporters WHERE email_key = $1 FOR UPDATE', [emailKey]);
        if (found.rows.length === 0) return null;
        const supporterId = found.rows[0].id;
        // The CRM is told to forget them too, if it was told of them; the address is kept only until it is.
        await recordCrmChange(tx, 'erasure', supporterId, { email: found.rows[0].email });
        const actions = (await tx.query<{ id: string }>('SELECT id FROM actions WHERE supporter_id = $1', [supporterId])).rows.map((r) => r.id);
        const erased = await eraseActions(tx, actions, 'The supporter asked for their data to be erased.');
        await tx.query('DELETE FROM supporters WHERE id = $1', [supporterId]);
        const rows = { supporters: 1, ...erased.rows };
        await tx.query('INSERT INTO erasures (by, row_counts) VALUES ($1, $2)', [by, JSON.stringify(rows)]);
        return { rows, copies: erased.copies };
      });
    },
  };
}
