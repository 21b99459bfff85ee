// The one statement that stores a group of actions of one campaign (supporters, actions, consents,
// letters and the letters' first events), and its parameters. Generated once per shape (how many
// actions, consents and letters), so PostgreSQL can keep it prepared.
import { createHash } from 'node:crypto';
import type { NewAction } from '../../domain/ports';
import { RECEIPT_PREFIX } from '../../domain/supporterEmails';

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
const ACTION_PARAMS = 13; // id, token, locale, district, message, district_pending, confirm_token, confirm_expires_at, district_choice, campaign_version, referral_code, referred_by, source
const CONSENT_PARAMS = 8;
const LETTER_PARAMS = 15;
const paramsPerAction = (consents: number, letters: number) =>
  SUPPORTER_PARAMS + ACTION_PARAMS + consents * CONSENT_PARAMS + letters * LETTER_PARAMS;

/** $1 is the campaign; then each action's parameters. */
export function createParams(campaignSlug: string, actions: NewAction[]): unknown[] {
  const params: unknown[] = [campaignSlug];
  for (const action of actions) {
    const { supporter } = action;
    params.push(
      supporter.email, action.emailKey, supporter.firstName, supporter.lastName, supporter.address, supporter.city, supporter.province,
      supporter.postalCode, action.id, action.token, action.locale, action.district, action.message,
      action.districtPending, action.confirmation?.token ?? null, action.confirmation?.expiresAt ?? null, action.districtChoice, action.campaignVersion,
      action.referralCode, action.referredBy, action.source === null ? null : JSON.stringify(action.source),
    );
    for (const c of action.consents) params.push(c.purpose, c.granted, c.wording, sha256(c.wording), c.locale, c.pageUrl, c.ip, c.userAgent);
    action.letters.forEach((l, position) =>
      params.push(
        l.id, l.targetId, position, l.recipient?.name ?? null, l.role, l.recipient?.email ?? null, l.recipient?.district ?? null,
        l.rendered?.subject ?? null, l.rendered?.text ?? null, l.status, l.reason,
        l.office?.level ?? null, l.office?.office ?? null, l.office?.legislature ?? null, l.office?.lookedUpAt ?? null,
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
 * replaces did), the receipt to send (supporter_emails), then the consents, letters and the letters' first events. A form that did
 * not ask for the street address or city (a petition) keeps the ones known; an action waiting for
 * its email to be confirmed changes nothing of a known supporter (anyone can type anyone's email):
 * what was typed waits on the action (`pending_details`) until it is confirmed. Rows of the later CTEs
 * reference rows inserted by the earlier ones: PostgreSQL checks those foreign keys at the end of
 * the statement, when they are there. Returns one row per stored letter (one per stored action
 * without letters). Built once per shape.
 */
const createStatements = new Map<string, string>();
export function createSql(count: number, consents: number, letters: number): string {
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
    return `(${a(0)}::uuid, ${p(i, 1)}, ${a(1)}, ${a(2)}, ${p(i, 7)}, ${p(i, 6)}, ${a(3)}, ${a(4)}, ${a(5)}::boolean, ${a(6)}::text, ${a(7)}::timestamptz, ${a(8)}::text, ${a(9)}::int, ${details}, ${a(10)}::text, ${a(11)}::text, ${a(12)}::jsonb)`;
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
      cols[14] += '::timestamptz';
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
        district, subject, body_text, status, status_reason, level, office, legislature, looked_up_at)
      SELECT v.id, a.id, $1, v.target_id, v.position, v.locale, v.recipient_name, v.recipient_role, v.recipient_email,
          v.district, v.subject, v.body_text, v.status, v.status_reason, v.level, v.office, v.legislature, v.looked_up_at
        FROM (VALUES ${letterRows.join(', ')}) AS v (n, action_id, locale, id, target_id, position, recipient_name, recipient_role,
          recipient_email, district, subject, body_text, status, status_reason, level, office, legislature, looked_up_at)
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
        district_pending, confirm_token, confirm_expires_at, district_choice, campaign_version, confirmed_at, pending_details,
        referral_code, referred_by, source)
      SELECT v.id, $1, s.id, v.token, v.locale, v.postal_code, v.province, v.district, v.message,
          v.district_pending, v.confirm_token, v.confirm_expires_at, v.district_choice, v.campaign_version, CASE WHEN v.confirm_token IS NULL THEN now() END,
          CASE WHEN v.confirm_token IS NOT NULL THEN v.details END, v.referral_code, v.referred_by, v.source
        FROM (VALUES ${actionRows.join(', ')}) AS v (id, email_key, token, locale, postal_code, province, district, message,
          district_pending, confirm_token, confirm_expires_at, district_choice, campaign_version, details, referral_code, referred_by, source)
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
    ), r AS (
      -- The receipt of each action taken (a confirmation campaign's email carries the link instead).
      INSERT INTO supporter_emails (id, action_id, kind) SELECT '${RECEIPT_PREFIX}' || a.id, a.id, 'receipt' FROM a WHERE a.confirm_token IS NULL
    )${consentsCte}${lettersCte}
    ${result}`;
  if (createStatements.size < 500) createStatements.set(shape, sql);
  return sql;
}

/** One row per stored letter (one per stored action without letters), with the times the database gave them. */
export interface CreatedRow {
  action_id: string;
  created_at: Date;
  letter_id: string | null;
  updated_at: Date | null;
  at: Date | null;
}

