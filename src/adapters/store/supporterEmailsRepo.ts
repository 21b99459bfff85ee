// SupporterEmailStore on PostgreSQL/PGlite: receipts (stored with their action, see
// createActionsSql.ts) and notes to mailboxes that acted already.
import { randomUUID } from 'node:crypto';
import type { CampaignKind, Locale } from '../../domain/campaign';
import type { SupporterEmail, SupporterEmailKind, SupporterEmailStore } from '../../domain/ports';
import { duplicateEmailId } from '../../domain/supporterEmails';
import type { Db } from '../db';

interface EmailRow {
  id: string;
  kind: SupporterEmailKind;
  status: SupporterEmail['status'];
  locale: Locale;
  campaign_slug: string;
  action_id: string;
  token: string;
  created_at: Date;
  email: string;
  first_name: string;
  last_name: string;
  referral_code: string | null;
}

export function supporterEmailsRepo(db: Db, kindOf: (campaignSlug: string) => CampaignKind): SupporterEmailStore {
  return {
    async recordDuplicate(actionId, locale, withinMs) {
      const id = duplicateEmailId(randomUUID());
      // One statement: two repeats at once record one note.
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO supporter_emails (id, action_id, kind, locale)
         SELECT $1, $2, 'duplicate', $3
          WHERE NOT EXISTS (SELECT 1 FROM supporter_emails WHERE action_id = $2 AND kind = 'duplicate'
                              AND created_at > now() - $4 * interval '1 millisecond')
         RETURNING id`,
        [id, actionId, locale, withinMs],
      );
      return rows[0]?.id ?? null;
    },

    async get(emailId) {
      const { rows } = await db.query<EmailRow>(
        `SELECT e.id, e.kind, e.status, COALESCE(e.locale, a.locale) AS locale, a.campaign_slug, a.id AS action_id, a.token, a.referral_code,
                a.created_at, s.email, s.first_name, s.last_name
           FROM supporter_emails e JOIN actions a ON a.id = e.action_id JOIN supporters s ON s.id = a.supporter_id
          WHERE e.id = $1 AND a.erased_at IS NULL`,
        [emailId],
      );
      const r = rows[0];
      if (!r) return null;
      const letters = await db.query<{ recipient_name: string | null; recipient_role: string; district: string | null; subject: string | null; body_text: string | null }>(
        'SELECT recipient_name, recipient_role, district, subject, body_text FROM letters WHERE action_id = $1 ORDER BY position',
        [r.action_id],
      );
      return {
        id: r.id,
        kind: r.kind,
        status: r.status,
        locale: r.locale,
        campaignSlug: r.campaign_slug,
        campaignKind: kindOf(r.campaign_slug),
        action: { id: r.action_id, statusToken: r.token, createdAt: r.created_at, referralCode: r.referral_code },
        supporter: { email: r.email, firstName: r.first_name, lastName: r.last_name },
        letters: letters.rows.map((l) => ({
          recipient: { name: l.recipient_name, role: l.recipient_role, district: l.district },
          subject: l.subject,
          text: l.body_text,
        })),
      };
    },

    async markSent(emailId) {
      await db.query("UPDATE supporter_emails SET status = 'sent', sent_at = now(), reason = NULL WHERE id = $1", [emailId]);
    },

    async markFailed(emailId, reason) {
      await db.query("UPDATE supporter_emails SET status = 'failed', reason = $2 WHERE id = $1 AND status = 'queued'", [emailId, reason.slice(0, 1000)]);
    },

    async unsent(olderThanMs, limit) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM supporter_emails WHERE status = 'queued' AND created_at < now() - $1 * interval '1 millisecond' LIMIT $2`,
        [olderThanMs, limit],
      );
      return rows.map((r) => r.id);
    },
  };
}
