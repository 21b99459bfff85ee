// Removing the personal data of some actions while keeping what counts them: the action row
// (campaign, province, riding, date) and each letter's recipient and status. Shared by a
// supporter's erasure, the retention scrub and nothing else; runs inside the caller's transaction.
import type { Queryable } from '../db';
import { confirmationEmailId } from '../../domain/supporterEmails';

export interface ErasedRows {
  rows: { actions: number; consents: number; letters: number; letters_stopped: number };
  /** Copies kept outside the database (local outbox files: letters, confirmation emails, receipts and notes) that must go too. */
  copies: string[];
}

export async function eraseActions(tx: Queryable, actionIds: string[], reason: string): Promise<ErasedRows> {
  // Letters not yet sent will not be: they would carry data that no longer exists. An uncertain
  // one is not sent again either (its resend would find no supporter and wait forever).
  const stopped = await tx.query(
    `WITH stopped AS (
       UPDATE letters SET status = 'failed', status_reason = $2, updated_at = now()
        WHERE action_id = ANY($1) AND status IN ('awaiting_confirmation', 'awaiting_lookup', 'awaiting_election', 'queued', 'uncertain')
       RETURNING id)
     INSERT INTO letter_events (letter_id, type, reason) SELECT id, 'failed', 'erased' FROM stopped RETURNING letter_id`,
    [actionIds, reason],
  );
  const letters = await tx.query<{ id: string }>(
    'UPDATE letters SET subject = NULL, body_text = NULL, body_html = NULL WHERE action_id = ANY($1) RETURNING id',
    [actionIds],
  );
  const consents = await tx.query('DELETE FROM consents WHERE action_id = ANY($1) RETURNING id', [actionIds]);
  // Receipts and notes: they were about this person's action, and name them.
  const emails = await tx.query<{ id: string }>('DELETE FROM supporter_emails WHERE action_id = ANY($1) RETURNING id', [actionIds]);
  const actions = await tx.query<{ id: string }>(
    `UPDATE actions SET supporter_id = NULL, postal_code = NULL, message = NULL, token = 'erased-' || gen_random_uuid(),
            confirm_token = NULL, pending_details = NULL, district_choice = NULL, erased_at = now()
      WHERE id = ANY($1) RETURNING id`,
    [actionIds],
  );
  return {
    rows: { actions: actions.rows.length, consents: consents.rows.length, letters: letters.rows.length, letters_stopped: stopped.rows.length },
    copies: [...letters.rows.map((r) => r.id), ...actions.rows.map((r) => confirmationEmailId(r.id)), ...emails.rows.map((r) => r.id)],
  };
}
