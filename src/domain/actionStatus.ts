// The status link: anyone holding the token may follow the action; without it, it does not exist.
import { timingSafeEqual } from 'node:crypto';
import { AppError } from './errors';
import { isUuid } from './ids';
import type { ActionStore, StoredAction } from './ports';

export async function getActionStatus(actions: ActionStore, id: string, token: unknown): Promise<StoredAction> {
  const notFound = new AppError('not_found');
  if (!isUuid(id) || typeof token !== 'string' || token.length === 0) throw notFound;
  const action = await actions.get(id);
  if (!action || !sameSecret(action.token, token)) throw notFound;
  return action;
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type OverallStatus = 'awaiting_confirmation' | 'signed' | 'in_progress' | 'sent' | 'partly_sent' | 'failed';

const UNDERWAY = new Set(['awaiting_lookup', 'awaiting_election', 'queued', 'sending', 'uncertain', 'deferred']);
const NOT_SENT = new Set(['failed', 'bounced', 'dropped']);

/** One word for the whole action: waiting for its confirmation, a petition's signature, or from its letters' statuses. */
export function overallStatus({ confirmed, letters: all }: { confirmed: boolean; letters: Array<{ status: string }> }): OverallStatus {
  if (!confirmed) return 'awaiting_confirmation';
  if (all.length === 0) return 'signed';
  // A skipped letter (nobody in the office, or they already agree) was never to be sent.
  const letters = all.filter((l) => l.status !== 'skipped');
  if (letters.length === 0) return 'sent';
  if (letters.some((l) => UNDERWAY.has(l.status))) return 'in_progress';
  const failed = letters.filter((l) => NOT_SENT.has(l.status)).length;
  if (failed === 0) return 'sent';
  return failed === letters.length ? 'failed' : 'partly_sent';
}
