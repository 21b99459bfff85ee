// ActionStore on PostgreSQL/PGlite: an action, its supporter, consents and letters, stored together.
import { createHash } from 'node:crypto';
import type { ActionStore, NewAction, StoredAction, StoredLetter } from '../../domain/ports';
import type { LetterStatus } from '../../domain/letterStatus';
import type { Db } from '../db';

// The campaign's consent wordings are few: hash each once.
const wordingHashes = new Map<string, string>();
function sha256(wording: string): string {
  let hash = wordingHashes.get(wording);
  if (hash === undefined) {
    hash = createHash('sha256').update(wording).digest('hex');
    if (wordingHashes.size < 1000) wordingHashes.set(wording, hash);
  }
  return hash;
}

// Parameters of one action in the statement of create(), in this order (see createParams).
const SUPPORTER_PARAMS = 8; // email, email_key, first_name, last_name, address, city, province, postal_code
const ACTION_PARAMS = 8; // id, token, locale, district, message, district_pending, confirm_token, confirm_expires_at
const CONSENT_PARAMS = 8;
const LETTER_PARAMS = 11;
const paramsPerAction = (consents: number, letters: number) =>
  SUPPORTER_PARAMS + ACTION_PARAMS + consents * CONSENT_PARAMS + letters * LETTER_PARAMS;

/** $1 is the campaign; then each action's parameters. */
function createParams(campaignSlug: string, actions: NewAction[]): unknown[] {
  const params: unknown[] = [campaignSlug];
  for (const action of actions) {
    const { supporter } = action;
    params.push(
      supporter.email, action.emailKey, supporter.firstName, supporter.lastName, supporter.address, supporter.city, supporter.province,
      supporter.postalCode, action.id, action.token, action.locale, action.district, action.message,
      action.districtPending, action.confirmation?.token ?? null, action.confirmation?.expiresAt ?? null,
    );
    for (const c of action.consents) params.push(c.purpose, c.granted, c.wording, sha256(c.wording), c.locale, c.pageUrl, c.ip, c.userAgent);
    action.letters.forEach((l, position) =>
      params.push(
        l.id, l.targetId, position, l.recipient?.name ?? null, l.role, l.recipient?.email ?? null, l.recipient?.district ?? null,
        l.rendered?.subject ?? null, l.rendered?.text ?? null, l.status, l.reason,
      ),
    );
  }
  return params;
}

/**
 * One statement storing `count` actions of one campaign (each with so many consents and letters),
 * so one round trip and atomic without BEGIN/COMMIT: insert the new supporters (`fresh`), find the
 * known ones (`s`), insert the actions (none for a supporter who already acted on the campaign,
 * nor for one whose twin request inserted the supporter meanwhile), bring the known supporters'
 * details up to date only where their action went in (`u`: as the rolled-back transaction this
 * replaces did), then the consents, letters and the letters' first events. A form that did
 * not ask for the street address or city (a petition) keeps the ones known; an action waiting for
 * its email to be confirmed changes nothing of a known supporter (anyone can type anyone's email):
 * what was typed waits on the action (`pending_details`) until it is confirmed. Rows of the later CTEs
 * reference rows inserted by the earlier ones: PostgreSQL checks those foreign keys at the end of
 * the statement, when they are there. Returns one row per stored letter (one per stored action
 * without letters). Built once per shape.
 */
const createStatements = new Map<string, string>();
function createSql(count: number, consents: number, letters: number): string {
  const shape = `${count}:${consents}:${letters}`;
  let sql = createStatements.get(shape);
  if (sql) return sql;
  const width = paramsPerAction(consents, letters);
  const p = (action: number, n: number) => `$${2 + action * width + n}`; // n counts from 0 within the action
  const each = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  const supporterRows = each(count, (i) => `(gen_random_uuid(), ${each(SUPPORTER_PARAMS, (n) => p(i, n)).join(', ')})`);
  const actionRows = each(count, (i) => {
    const a = (n: number) => p(i, SUPPORTER_PARAMS + n);
    const details = `jsonb_build_object('email', ${p(i, 0)}::text, 'first_name', ${p(i, 2)}::text, 'last_name', ${p(i, 3)}::text,
      'address', ${p(i, 4)}::text, 'city', ${p(i, 5)}::text, 'province', ${p(i, 6)}::text, 'postal_code', ${p(i, 7)}::text)`;
    return `(${a(0)}::uuid, ${p(i, 1)}, ${a(1)}, ${a(2)}, ${p(i, 7)}, ${p(i, 6)}, ${a(3)}, ${a(4)}, ${a(5)}::boolean, ${a(6)}::text, ${a(7)}::timestamptz, ${details})`;
  });
  const consentRows = each(count, (i) =>
    each(consents, (k) => {
      const c = (n: number) => p(i, SUPPORTER_PARAMS + ACTION_PARAMS + k * CONSENT_PARAMS + n);
      return `(${i * consents + k}, ${p(i, SUPPORTER_PARAMS)}::uuid, ${c(0)}, ${c(1)}::boolean, ${c(2)}, ${c(3)}, ${c(4)}, ${c(5)}, ${c(6)}, ${c(7)})`;
    }),
  ).flat();
  const letterRows = each(count, (i) =>
    each(letters, (k) => {
      const l = (n: number) => p(i, SUPPORTER_PARAMS + ACTION_PARAMS + consents * CONSENT_PARAMS + k * LETTER_PARAMS + n);
      const cols = each(LETTER_PARAMS, l);
      cols[0] += '::uuid';
      cols[2] += '::smallint';
      return `(${i * letters + k}, ${p(i, SUPPORTER_PARAMS)}::uuid, ${p(i, SUPPORTER_PARAMS + 2)}, ${cols.join(', ')})`;
    }),
  ).flat();
  const consentsCte =
    consents === 0
      ? ''
      : `, c AS (
      INSERT INTO consents (supporter_id, action_id, campaign_slug, purpose, granted, wording, wording_sha256, locale, page_url, ip, user_agent)
      SELECT a.supporter_id, a.id, $1, v.purpose, v.granted, v.wording, v.sha, v.locale, v.page_url, v.ip, v.user_agent
        FROM (VALUES ${consentRows.join(', ')}) AS v (n, action_id, purpose, granted, wording, sha, locale, page_url, ip, user_agent)
        JOIN a ON a.id = v.action_id
       ORDER BY v.n
    )`;
  const lettersCte =
    letters === 0
      ? ''
      : `, l AS (
      INSERT INTO letters (id, action_id, campaign_slug, target_id, position, locale, recipient_name, recipient_role, recipient_email,
        district, subject, body_text, status, status_reason)
      SELECT v.id, a.id, $1, v.target_id, v.position, v.locale, v.recipient_name, v.recipient_role, v.recipient_email,
          v.district, v.subject, v.body_text, v.status, v.status_reason
        FROM (VALUES ${letterRows.join(', ')}) AS v (n, action_id, locale, id, target_id, position, recipient_name, recipient_role,
          recipient_email, district, subject, body_text, status, status_reason)
        JOIN a ON a.id = v.action_id
       ORDER BY v.n
      RETURNING id, action_id, position, status, status_reason, updated_at
    ), e AS (
      INSERT INTO letter_events (letter_id, type, reason)
      SELECT id, status, status_reason FROM l ORDER BY action_id, position
      RETURNING letter_id, at
    )`;
  const result =
    letters === 0
      ? 'SELECT a.id AS action_id, a.created_at, NULL::uuid AS letter_id, NULL::timestamptz AS updated_at, NULL::timestamptz AS at FROM a'
      : `SELECT a.id AS action_id, a.created_at, l.id AS letter_id, l.updated_at, e.at
      FROM a LEFT JOIN l ON l.action_id = a.id LEFT JOIN e ON e.letter_id = l.id`;
  sql = `WITH fresh AS (
      INSERT INTO supporters (id, email, email_key, first_name, last_name, address, city, province, postal_code)
      VALUES ${supporterRows.join(', ')}
      ON CONFLICT (email_key) DO NOTHING
      RETURNING id, email_key
    ), s AS (
      SELECT id, email_key FROM fresh
      UNION ALL
      SELECT id, email_key FROM supporters WHERE email_key IN (${each(count, (i) => p(i, 1)).join(', ')})
    ), a AS (
      INSERT INTO actions (id, campaign_slug, supporter_id, token, locale, postal_code, province, district, message,
        district_pending, confirm_token, confirm_expires_at, confirmed_at, pending_details)
      SELECT v.id, $1, s.id, v.token, v.locale, v.postal_code, v.province, v.district, v.message,
          v.district_pending, v.confirm_token, v.confirm_expires_at, CASE WHEN v.confirm_token IS NULL THEN now() END,
          CASE WHEN v.confirm_token IS NOT NULL THEN v.details END
        FROM (VALUES ${actionRows.join(', ')}) AS v (id, email_key, token, locale, postal_code, province, district, message,
          district_pending, confirm_token, confirm_expires_at, details)
        JOIN s ON s.email_key = v.email_key
      ON CONFLICT (campaign_slug, supporter_id) DO NOTHING
      RETURNING id, supporter_id, created_at, confirm_token
    ), u AS (
      UPDATE supporters t SET email = v.email, first_name = v.first_name, last_name = v.last_name,
          address = COALESCE(v.address, t.address), city = COALESCE(v.city, t.city), province = v.province,
          postal_code = v.postal_code, updated_at = now()
        FROM (VALUES ${each(count, (i) => `(${each(SUPPORTER_PARAMS, (n) => p(i, n)).join(', ')})`).join(', ')})
               AS v (email, email_key, first_name, last_name, address, city, province, postal_code),
             a
       WHERE t.email_key = v.email_key AND t.id = a.supporter_id AND a.confirm_token IS NULL
    )${consentsCte}${lettersCte}
    ${result}`;
  if (createStatements.size < 500) createStatements.set(shape, sql);
  return sql;
}

interface CreatedRow {
  action_id: string;
  created_at: Date;
  letter_id: string | null;
  updated_at: Date | null;
  at: Date | null;
}

/** The stored action, from what create() inserted and the timestamps the database gave it. */
function storedAction(action: NewAction, rows: CreatedRow[]): StoredAction {
  const byLetter = new Map(rows.map((r) => [r.letter_id, r]));
  return {
    id: action.id,
    token: action.token,
    campaignSlug: action.campaignSlug,
    createdAt: rows[0].created_at,
    confirmed: action.confirmation === null,
    letters: action.letters.map((l) => {
      const row = byLetter.get(l.id);
      if (!row?.updated_at || !row.at) throw new Error(`letter ${l.id} was not stored with its action`);
      return {
        id: l.id,
        recipient: { name: l.recipient?.name ?? null, role: l.role, district: l.recipient?.district ?? null },
        subject: l.rendered?.subject ?? null,
        text: l.rendered?.text ?? null,
        status: l.status,
        updatedAt: row.updated_at,
        events: [{ type: l.status, at: row.at }],
      };
    }),
  };
}

/**
 * Group commit: at most MAX_RUNNING create statements run at once; submissions arriving meanwhile
 * wait and go together in the next one (up to MAX_BATCH actions of one campaign, one per email).
 * A lone submission goes at once. Under load this spreads a statement's parse, plan, commit and
 * round trip over many actions, which is most of what storing one costs.
 */
const MAX_RUNNING = 3;
const MAX_BATCH = 32;

interface Waiting {
  action: NewAction;
  resolve: (stored: StoredAction | null) => void;
  reject: (error: unknown) => void;
}

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
    const { rows } = await db.query<{ id: string; token: string; campaign_slug: string; created_at: Date; confirmed: boolean }>(
      'SELECT id, token, campaign_slug, created_at, confirmed_at IS NOT NULL AS confirmed FROM actions WHERE id = $1',
      [id],
    );
    if (rows.length === 0) return null;
    const action = rows[0];
    return {
      id: action.id,
      token: action.token,
      campaignSlug: action.campaign_slug,
      createdAt: action.created_at,
      confirmed: action.confirmed,
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

  const waiting: Waiting[] = [];
  let running = 0;

  /** The oldest waiting submission and those that can share its statement. */
  function nextBatch(): Waiting[] {
    const first = waiting[0].action;
    const emails = new Set<string>();
    const batch: Waiting[] = [];
    for (let i = 0; i < waiting.length && batch.length < MAX_BATCH; ) {
      const { action } = waiting[i];
      const fits =
        action.campaignSlug === first.campaignSlug &&
        action.consents.length === first.consents.length &&
        action.letters.length === first.letters.length &&
        !emails.has(action.emailKey); // one statement must not write one supporter's row twice
      if (fits) {
        emails.add(action.emailKey);
        batch.push(...waiting.splice(i, 1));
      } else {
        i += 1;
      }
    }
    return batch;
  }

  function pump(): void {
    while (running < MAX_RUNNING && waiting.length > 0) {
      const batch = nextBatch();
      running += 1;
      void store(batch).finally(() => {
        running -= 1;
        pump();
      });
    }
  }

  /** `alone`: a second try, on its own, of an action a shared statement could not store. */
  async function store(batch: Waiting[], alone = false): Promise<void> {
    let rows: CreatedRow[];
    try {
      const actions = batch.map((w) => w.action);
      const { consents, letters, campaignSlug } = actions[0];
      const shape = `${actions.length}:${consents.length}:${letters.length}`;
      ({ rows } = await db.query<CreatedRow>(createSql(actions.length, consents.length, letters.length), createParams(campaignSlug, actions), `create_action_${shape.replace(/:/g, '_')}`));
    } catch (error) {
      if (batch.length > 1) {
        // One action's trouble (a deadlock with a twin request, say) must not fail the others: each alone.
        await Promise.all(batch.map((w) => store([w], true)));
      } else if (isUniqueViolation(error)) {
        batch[0].resolve(null); // a twin request with the same email won the race
      } else {
        batch[0].reject(error);
      }
      return;
    }
    const byAction = new Map<string, CreatedRow[]>();
    for (const row of rows) byAction.set(row.action_id, [...(byAction.get(row.action_id) ?? []), row]);
    const again: Waiting[] = [];
    for (const w of batch) {
      const stored = byAction.get(w.action.id);
      if (stored) {
        try {
          w.resolve(storedAction(w.action, stored));
        } catch (error) {
          w.reject(error);
        }
      } else if (alone) {
        w.resolve(null); // this email already acted on this campaign
      } else {
        // Usually this email already acted; but a request with the same new email (on another
        // campaign) may have added the supporter after this statement began: once more, alone.
        again.push(w);
      }
    }
    await Promise.all(again.map((w) => store([w], true)));
  }

  // Returns the action built from what was inserted: no read-back.
  function create(action: NewAction): Promise<StoredAction | null> {
    return new Promise((resolve, reject) => {
      waiting.push({ action, resolve, reject });
      pump();
    });
  }

  async function countActions(campaignSlug: string): Promise<number> {
    // Confirmed only: an unconfirmed action may be a bot's, or someone else's address.
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE campaign_slug = $1 AND confirmed_at IS NOT NULL', [campaignSlug]);
    return rows[0].n;
  }

  return { findByEmail, create, get, countActions };
}

const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown })?.code === '23505';
