// Campaigns with `confirm: true` hold each action until its supporter proves the email is
// theirs. The email carries a link to a page whose button POSTs the confirmation: mail security
// scanners follow GET links, and following a link must never confirm anything. A token works
// once; a second click says "already confirmed". Unconfirmed actions expire (expireUnconfirmed).
import { AppError } from './errors';
import type { Locale } from './campaign';
import type { Clock, ConfirmationEmail, ConfirmationStore, LetterQueue, Log, MailCopies, Mailer, PendingConfirmation } from './ports';
import { MailError } from './ports';
import type { EmailMessage } from './sendSupporterEmail';
import { confirmationEmailId } from './supporterEmails';

export const CONFIRMATION_DAYS = 7;


const expired = () => new AppError('not_found');

/** GET: what the link's page shows. Never changes anything. */
export async function lookUpConfirmation(deps: { confirmations: ConfirmationStore; clock: Clock }, token: string): Promise<PendingConfirmation> {
  const found = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await deps.confirmations.find(token, deps.clock.now()) : null;
  if (!found) throw expired();
  return found;
}

export interface ConfirmDeps {
  confirmations: ConfirmationStore;
  queue: LetterQueue;
  clock: Clock;
  log: Log;
  /** Told of each new confirmation (the public counter's cache). */
  onConfirmed?: (campaignSlug: string) => void;
}

/** POST: the supporter pressed Confirm. Their letters go on (or wait for their MP's lookup). */
export async function confirmAction(deps: ConfirmDeps, token: string): Promise<{ action: PendingConfirmation; alreadyConfirmed: boolean }> {
  const result = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await deps.confirmations.confirm(token, deps.clock.now()) : null;
  if (!result) throw expired();
  if (result.newly) {
    deps.onConfirmed?.(result.action.campaignSlug);
    const ids = (status: string) => result.letters.filter((l) => l.status === status).map((l) => l.id);
    try {
      await deps.queue.enqueueDeliveries(ids('queued'));
      await deps.queue.enqueueLookups(ids('awaiting_lookup'));
    } catch (error) {
      deps.log.warn({ err: error, actionId: result.action.actionId }, 'could not queue confirmed letters now; the sweeper will');
    }
  }
  return { action: result.action, alreadyConfirmed: !result.newly };
}

export interface SendConfirmationDeps {
  confirmations: ConfirmationStore;
  mailer: Mailer;
  /** Writes the email in the supporter's language, with the link to the confirmation page. */
  write(email: ConfirmationEmail): EmailMessage;
  /** Who the supporter's reply reaches, named in their language. */
  organisation(campaignSlug: string, locale: Locale): { name: string; email: string };
}

export type SendConfirmationOutcome = 'sent' | 'skipped' | 'rejected';

/** The worker sends the confirmation email once; MailErrors other than a refusal are retried by the queue. */
export async function sendConfirmation(deps: SendConfirmationDeps, actionId: string): Promise<SendConfirmationOutcome> {
  const pending = await deps.confirmations.emailFor(actionId);
  if (!pending || pending.sentAt || pending.confirmedAt) return 'skipped';
  const message = deps.write(pending);
  const organisation = deps.organisation(pending.campaignSlug, pending.locale);
  try {
    await deps.mailer.send({
      id: confirmationEmailId(actionId),
      fromName: organisation.name,
      to: { email: pending.supporter.email, name: `${pending.supporter.firstName} ${pending.supporter.lastName}` },
      replyTo: organisation,
      ...message,
    });
  } catch (error) {
    // A refused address will not become valid by trying again; the action expires unconfirmed.
    if (error instanceof MailError && error.kind === 'rejected') {
      await deps.confirmations.markSent(actionId);
      return 'rejected';
    }
    throw error;
  }
  await deps.confirmations.markSent(actionId);
  return 'sent';
}

/** Unconfirmed actions past their 7 days are deleted with everything they held. */
export async function expireUnconfirmed(
  deps: { confirmations: ConfirmationStore; clock: Clock; copies: MailCopies },
  batchSize = 500,
): Promise<number> {
  let total = 0;
  for (;;) {
    const gone = await deps.confirmations.deleteExpired(deps.clock.now(), batchSize);
    await deps.copies.forget(gone.copies);
    total += gone.actions;
    if (gone.actions < batchSize) return total;
  }
}
