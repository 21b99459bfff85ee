// SupporterEmailStore on PostgreSQL/PGlite: receipts (stored with their action, see
// createActionsSql.ts) and notes to mailboxes that acted already.
import { randomUUID } from 'node:crypto';
import type { CampaignKind, Locale } from '../../domain/campaign';
import type { OfficeContact, SupporterEmail, SupporterEmailKind, SupporterEmailStore } from '../../domain/ports';
import { duplicateEmailId, undeliveredEmailId } from '../../domain/supporterEmails';
import { officesOf, type RepresentPostcode } from '../represent/parse';
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
  letter_id: string | null;
}

export function supporterEmailsRepo(db: Db, kindOf: (campaignSlug: string) => CampaignKind): SupporterEmailStore {
  /** The office's phone and postal address, from the directory's answer for the supporter's postal code. */
  async function contactsOf(letterId: string): Promise<OfficeContact[]> {
    const { rows } = await db.query<{ recipient_name: string | null; answer: RepresentPostcode | null }>(
      `SELECT l.recipient_name, d.answer FROM letters l JOIN actions a ON a.id = l.action_id
         LEFT JOIN postcode_directory d ON d.postal_code = replace(a.postal_code, ' ', '')
        WHERE l.id = $1 AND l.level IS NOT NULL`,
      [letterId],
    );
    const r = rows[0];
    return r?.answer && r.recipient_name ? officesOf(r.answer, r.recipient_name) : [];
  }

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

    async recordUndelivered(letterId) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO supporter_emails (id, action_id, kind, letter_id)
         SELECT $2, l.action_id, 'undelivered', l.id FROM letters l JOIN actions a ON a.id = l.action_id
          WHERE l.id = $1 AND a.erased_at IS NULL AND a.supporter_id IS NOT NULL
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        [letterId, undeliveredEmailId(letterId)],
      );
      return rows[0]?.id ?? null;
    },

    contactsOf: (letterId) => contactsOf(letterId),

    async get(emailId) {
      const { rows } = await db.query<EmailRow>(
        `SELECT e.id, e.kind, e.status, COALESCE(e.locale, a.locale) AS locale, a.campaign_slug, a.id AS action_id, a.token, a.referral_code, e.letter_id,
                a.created_at, s.email, s.first_name, s.last_name
           FROM supporter_emails e JOIN actions a ON a.id = e.action_id JOIN supporters s ON s.id = a.supporter_id
          WHERE e.id = $1 AND a.erased_at IS NULL`,
        [emailId],
      );
      const r = rows[0];
      if (!r) return null;
      // The note that a letter did not arrive is about that letter only.
      const letters = await db.query<{ recipient_name: string | null; recipient_role: string; district: string | null; subject: string | null; body_text: string | null }>(
        'SELECT recipient_name, recipient_role, district, subject, body_text FROM letters WHERE action_id = $1 AND ($2::uuid IS NULL OR id = $2::uuid) ORDER BY position',
        [r.action_id, r.letter_id],
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
        ...(r.kind === 'undelivered' && r.letter_id ? { undelivered: { letterId: r.letter_id, contacts: await contactsOf(r.letter_id) } } : {}),
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
