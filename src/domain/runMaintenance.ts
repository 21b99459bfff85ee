// What the worker does besides sending, on the sweeper's timer: queue confirmation emails,
// receipts and notes whose job was lost, delete unconfirmed actions past their time, fill in petition ridings Represent
// could not give at signing, and once a day scrub personal data past its retention.
import { lookUpMp, ridingOf } from './mpLookup';
import { expireUnconfirmed } from './confirmAction';
import type { CampaignCatalog, Clock, ConfirmationStore, LetterQueue, Log, MailCopies, MaintenanceStore, RepresentativeFinder, SupporterEmailStore } from './ports';
import { applyRetention, type RetentionDeps } from './retention';

export interface MaintenanceDeps {
  store: MaintenanceStore;
  confirmations: ConfirmationStore;
  supporterEmails: SupporterEmailStore;
  queue: LetterQueue;
  representatives: RepresentativeFinder;
  campaigns: CampaignCatalog;
  clock: Clock;
  log: Log;
  retention: RetentionDeps;
  copies: MailCopies;
  /** A confirmation email without a job for this long is queued again. */
  graceMs: number;
}

const DAY_MS = 24 * 3600_000;

export async function runMaintenance(deps: MaintenanceDeps): Promise<Record<string, number>> {
  const confirmationEmails = await deps.queue.ensureConfirmation(await deps.confirmations.unsent(deps.graceMs, 500));
  const supporterEmails = await deps.queue.ensureSupporterEmails(await deps.supporterEmails.unsent(deps.graceMs, 500));
  const expired = await expireUnconfirmed(deps);
  const ridings = await fillPendingRidings(deps, 50);
  let scrubbed = 0;
  if (await deps.store.claimRun('retention', DAY_MS)) {
    scrubbed = (await applyRetention(deps.retention)).reduce((sum, c) => sum + c.actions, 0);
  }
  return { confirmationEmails, supporterEmails, expired, ridings, scrubbed };
}

/** Petition signatures taken while Represent was away: their riding, for the counts by riding. */
export async function fillPendingRidings(deps: Pick<MaintenanceDeps, 'store' | 'representatives'>, limit: number): Promise<number> {
  let filled = 0;
  for (const pending of await deps.store.pendingRidings(limit)) {
    const lookup = await lookUpMp(deps.representatives, pending.postalCode, null);
    if (lookup.kind === 'unavailable') break; // still away: try on the next sweep
    // An unknown code, or one on several ridings, is counted by province only.
    await deps.store.setRiding(pending.actionId, ridingOf(lookup));
    filled += 1;
  }
  return filled;
}
