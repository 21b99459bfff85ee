// ActionStore on PostgreSQL/PGlite: an action, its supporter, consents and letters, stored together.
import { createHash } from 'node:crypto';
import type { ActionStore, NewAction, StoredAction, StoredLetter } from '../../domain/ports';
import type { LetterStatus } from '../../domain/letterStatus';
import type { Db } from '../db';
import { valuesList } from './sql';

class AlreadyActed extends Error {}

interface LetterRow {
  id: string;
  action_id: string;
  recipient_name: string | null;
  recipient_role: string;
  district: string | null;
  subject: string | null;
  body_text: string | null;
  status: LetterStatus;
  updated_at: Date;
}

export function actionsRepo(db: Db): ActionStore {
  async function get(id: string): Promise<StoredAction | null> {
    const { rows } = await db.query<{ id: string; token: string; campaign_slug: string; created_at: Date }>(
      'SELECT id, token, campaign_slug, created_at FROM actions WHERE id = $1',
      [id],
    );
    if (rows.length === 0) return null;
    const action = rows[0];
    return {
      id: action.id,
      token: action.token,
      campaignSlug: action.campaign_slug,
      createdAt: action.created_at,
      letters: await lettersOf(action.id),
    };
  }

  async function lettersOf(actionId: string): Promise<StoredLetter[]> {
    const letters = await db.query<LetterRow>(
      `SELECT id, action_id, recipient_name, recipient_role, district, subject, body_text, status, updated_at
         FROM letters WHERE action_id = $1 ORDER BY position`,
      [actionId],
    );
    const events = await db.query<{ letter_id: string; type: string; at: Date }>(
      // By letter id, so the index on letter_events is used even before the planner has statistics.
      'SELECT letter_id, type, at FROM letter_events WHERE letter_id = ANY($1::uuid[]) ORDER BY id',
      [letters.rows.map((l) => l.id)],
    );
    return letters.rows.map((l) => ({
      id: l.id,
      recipient: { name: l.recipient_name, role: l.recipient_role, district: l.district },
      subject: l.subject,
      text: l.body_text,
      status: l.status,
      updatedAt: l.updated_at,
      events: events.rows.filter((e) => e.letter_id === l.id).map((e) => ({ type: e.type, at: e.at })),
    }));
  }

  async function findByEmail(campaignSlug: string, emailKey: string): Promise<StoredAction | null> {
    const { rows } = await db.query<{ id: string }>(
      'SELECT a.id FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE a.campaign_slug = $1 AND s.email_key = $2',
      [campaignSlug, emailKey],
    );
    return rows.length === 0 ? null : get(rows[0].id);
  }

  async function create(action: NewAction): Promise<StoredAction | null> {
    const { supporter } = action;
    try {
      await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO supporters (id, email, email_key, first_name, last_name, address, city, province, postal_code)
           VALUES (gen_random_uuid(), $1, $8, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (email_key) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
             address = EXCLUDED.address, city = EXCLUDED.city, province = EXCLUDED.province,
             postal_code = EXCLUDED.postal_code, updated_at = now()
           RETURNING id`,
          [supporter.email, supporter.firstName, supporter.lastName, supporter.address, supporter.city, supporter.province, supporter.postalCode, action.emailKey],
        );
        const supporterId = rows[0].id;
        const inserted = await tx.query(
          `INSERT INTO actions (id, campaign_slug, supporter_id, token, locale, postal_code, province, district, message)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (campaign_slug, supporter_id) DO NOTHING RETURNING id`,
          [action.id, action.campaignSlug, supporterId, action.token, action.locale, supporter.postalCode, supporter.province, action.district, action.message],
        );
        if (inserted.rows.length === 0) throw new AlreadyActed();

        await tx.query(
          `INSERT INTO consents (supporter_id, action_id, campaign_slug, purpose, granted, wording, wording_sha256, locale, page_url, ip, user_agent)
           VALUES ${valuesList(action.consents.length, 11)}`,
          action.consents.flatMap((c) => [
            supporterId, action.id, action.campaignSlug, c.purpose, c.granted, c.wording,
            createHash('sha256').update(c.wording).digest('hex'), c.locale, c.pageUrl, c.ip, c.userAgent,
          ]),
        );
        await tx.query(
          `INSERT INTO letters (id, action_id, campaign_slug, target_id, position, locale, recipient_name, recipient_role, recipient_email,
             district, subject, body_text, body_html, status, status_reason)
           VALUES ${valuesList(action.letters.length, 15)}`,
          action.letters.flatMap((l, position) => [
            l.id, action.id, action.campaignSlug, l.targetId, position, action.locale, l.recipient?.name ?? null, l.role,
            l.recipient?.email ?? null, l.recipient?.district ?? null, l.rendered?.subject ?? null,
            l.rendered?.text ?? null, l.rendered?.html ?? null, l.status, l.reason,
          ]),
        );
        await tx.query(
          `INSERT INTO letter_events (letter_id, type, reason) VALUES ${valuesList(action.letters.length, 3)}`,
          action.letters.flatMap((l) => [l.id, l.status, l.reason]),
        );
      });
    } catch (error) {
      if (error instanceof AlreadyActed || isUniqueViolation(error)) return null;
      throw error;
    }
    return get(action.id);
  }

  async function countActions(campaignSlug: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE campaign_slug = $1', [campaignSlug]);
    return rows[0].n;
  }

  return { findByEmail, create, get, countActions };
}

// Two first-time submissions with one new email can race on the supporters row itself.
const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown })?.code === '23505';
