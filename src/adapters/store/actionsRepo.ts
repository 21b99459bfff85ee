// ActionStore on PostgreSQL/PGlite: an action, its supporter, consents and letters, stored together.
import { recordCrmChange } from './crmRepo';
import type { ActionStore, NewAction, StoredAction, StoredLetter } from '../../domain/ports';
import type { Locale } from '../../domain/campaign';
import type { LetterStatus } from '../../domain/letterStatus';
import type { Db } from '../db';
import { createParams, createSql, type CreatedRow } from './createActionsSql';
import { groupCommit } from './groupCommit';

/** The stored action, from what create() inserted and the timestamps the database gave it. */
function storedAction(action: NewAction, rows: CreatedRow[]): StoredAction {
  const byLetter = new Map(rows.map((r) => [r.letter_id, r]));
  return {
    id: action.id,
    token: action.token,
    campaignSlug: action.campaignSlug,
    locale: action.locale,
    createdAt: rows[0].created_at,
    confirmed: action.confirmation === null,
    referralCode: action.referralCode,
    letters: action.letters.map((l) => {
      const row = byLetter.get(l.id);
      if (!row?.updated_at || !row.at) throw new Error(`letter ${l.id} was not stored with its action`);
      return {
        id: l.id,
        recipient: { name: l.recipient?.name ?? null, role: l.role, district: l.recipient?.district ?? null },
        subject: l.rendered?.subject ?? null,
        text: l.rendered?.text ?? null,
        status: l.status,
        reason: l.reason,
        updatedAt: row.updated_at,
        events: [{ type: l.status, at: row.at }],
      };
    }),
  };
}

/**
 * Submissions share statements (groupCommit.ts): up to 32 actions of one campaign, one per email
 * (one statement must not write one supporter's row twice), with 3 statements at most at once.
 */
const MAX_RUNNING = 3;
const MAX_BATCH = 32;

const sameShape = (a: NewAction, b: NewAction): boolean =>
  a.campaignSlug === b.campaignSlug && a.consents.length === b.consents.length && a.letters.length === b.letters.length;

interface LetterRow {
  id: string;
  action_id: string;
  recipient_name: string | null;
  recipient_role: string;
  district: string | null;
  subject: string | null;
  body_text: string | null;
  status: LetterStatus;
  status_reason: string | null;
  updated_at: Date;
}

export function actionsRepo(db: Db): ActionStore {
  async function get(id: string): Promise<StoredAction | null> {
    const { rows } = await db.query<{ id: string; token: string; campaign_slug: string; locale: Locale; created_at: Date; confirmed: boolean; referral_code: string | null }>(
      'SELECT id, token, campaign_slug, locale, created_at, confirmed_at IS NOT NULL AS confirmed, referral_code FROM actions WHERE id = $1',
      [id],
    );
    if (rows.length === 0) return null;
    const action = rows[0];
    return {
      id: action.id,
      token: action.token,
      campaignSlug: action.campaign_slug,
      locale: action.locale,
      createdAt: action.created_at,
      confirmed: action.confirmed,
      referralCode: action.referral_code,
      letters: await lettersOf(action.id),
    };
  }

  async function lettersOf(actionId: string): Promise<StoredLetter[]> {
    const letters = await db.query<LetterRow>(
      `SELECT id, action_id, recipient_name, recipient_role, district, subject, body_text, status, status_reason, updated_at
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
      reason: l.status_reason,
      updatedAt: l.updated_at,
      events: events.rows.filter((e) => e.letter_id === l.id).map((e) => ({ type: e.type, at: e.at })),
    }));
  }

  async function referredBy(referralCode: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE referred_by = $1 AND confirmed_at IS NOT NULL', [referralCode]);
    return rows[0].n;
  }

  async function updatesConsent(actionId: string) {
    const { rows } = await db.query<{ agreed: boolean; withdrawn_at: Date | null }>(
      `SELECT bool_or(c.granted AND c.withdrawn_at IS NULL) AS agreed, max(c.withdrawn_at) AS withdrawn_at
         FROM actions a JOIN consents c ON c.supporter_id = a.supporter_id AND c.purpose = 'updates'
        WHERE a.id = $1`,
      [actionId],
    );
    return { agreed: rows[0]?.agreed === true, withdrawnAt: rows[0]?.withdrawn_at ?? null };
  }

  async function withdrawUpdates(actionId: string) {
    // The organisation is one: a withdrawal covers every campaign this person agreed on.
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<{ supporter_id: string; withdrawn_at: Date }>(
        `UPDATE consents c SET withdrawn_at = now()
           FROM actions a WHERE a.id = $1 AND c.supporter_id = a.supporter_id AND c.purpose = 'updates' AND c.granted AND c.withdrawn_at IS NULL
         RETURNING c.supporter_id, c.withdrawn_at`,
        [actionId],
      );
      // The CRM hears of it, if it heard of them.
      if (rows.length > 0) await recordCrmChange(tx, 'withdrawal', rows[0].supporter_id, { withdrawnAt: rows[0].withdrawn_at.toISOString() });
      return rows.length;
    });
  }

  async function idByEmail(campaignSlug: string, emailKey: string): Promise<string | null> {
    const { rows } = await db.query<{ id: string }>(
      'SELECT a.id FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE a.campaign_slug = $1 AND s.email_key = $2',
      [campaignSlug, emailKey],
    );
    return rows[0]?.id ?? null;
  }

  type Stored = PromiseSettledResult<StoredAction | null>;

  /** `alone`: a second try, on its own, of an action a shared statement could not store. */
  async function store(actions: NewAction[], alone = false): Promise<Stored[]> {
    let rows: CreatedRow[];
    try {
      const { consents, letters, campaignSlug } = actions[0];
      const shape = `${actions.length}_${consents.length}_${letters.length}`;
      ({ rows } = await db.query<CreatedRow>(createSql(actions.length, consents.length, letters.length), createParams(campaignSlug, actions), `create_action_${shape}`));
    } catch (error) {
      // One action's trouble (a deadlock with a twin request, say) must not fail the others: each alone.
      if (actions.length > 1) return (await Promise.all(actions.map((a) => store([a], true)))).flat();
      // A twin request with the same email won the race.
      return [isUniqueViolation(error) ? { status: 'fulfilled', value: null } : { status: 'rejected', reason: error }];
    }
    const byAction = new Map<string, CreatedRow[]>();
    for (const row of rows) byAction.set(row.action_id, [...(byAction.get(row.action_id) ?? []), row]);
    return Promise.all(
      actions.map(async (action): Promise<Stored> => {
        const stored = byAction.get(action.id);
        if (stored) {
          try {
            return { status: 'fulfilled', value: storedAction(action, stored) };
          } catch (error) {
            return { status: 'rejected', reason: error };
          }
        }
        // Alone: this email already acted on this campaign. In a group, usually the same; but a
        // request with the same new email (on another campaign) may have added the supporter after
        // this statement began: once more, alone.
        return alone ? { status: 'fulfilled', value: null } : (await store([action], true))[0];
      }),
    );
  }

  // Returns the action built from what was inserted: no read-back.
  const create = groupCommit<NewAction, StoredAction | null>({
    maxRunning: MAX_RUNNING,
    maxBatch: MAX_BATCH,
    fits: (batch, action) => sameShape(batch[0], action) && !batch.some((b) => b.emailKey === action.emailKey),
    commit: (actions) => store(actions),
  });

  async function countActions(campaignSlug: string): Promise<number> {
    // Confirmed only: an unconfirmed action may be a bot's, or someone else's address.
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE campaign_slug = $1 AND confirmed_at IS NOT NULL', [campaignSlug]);
    return rows[0].n;
  }

  return { idByEmail, create, get, countActions, referredBy, updatesConsent, withdrawUpdates };
}

const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown })?.code === '23505';
