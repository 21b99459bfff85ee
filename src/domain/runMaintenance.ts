// What the worker does besides sending, on the sweeper's timer: queue confirmation emails whose
// job was lost, delete unconfirmed actions past their time, fill in petition ridings Represent
// could not give at signing, and once a day scrub personal data past its retention.
import type { CampaignCatalog } from './campaign';
import { findRiding } from './composeSignature';
import { AppError } from './errors';
import { expireUnconfirmed, type ConfirmationStore } from './confirmAction';
import type { Clock, LetterQueue, Log } from './ports';
import type { RepresentativeFinder } from './representatives';
import { applyRetention, type RetentionDeps } from './retention';

export interface MaintenanceStore {
  /** True for exactly one caller per `everyMs` across every worker (the run is recorded first). */
  claimRun(name: string, everyMs: number): Promise<boolean>;
  pendingRidings(limit: number): Promise<Array<{ actionId: string; postalCode: string }>>;
  setRiding(actionId: string, district: string | null): Promise<void>;
}

export interface MaintenanceDeps {
  store: MaintenanceStore;
  confirmations: ConfirmationStore;
  queue: LetterQueue;
  representatives: RepresentativeFinder;
  campaigns: CampaignCatalog;
  clock: Clock;
  log: Log;
  retention: RetentionDeps;
  forgetCopies(ids: string[]): Promise<number>;
  /** A confirmation email without a job for this long is queued again. */
  graceMs: number;
}

const DAY_MS = 24 * 3600_000;

export async function runMaintenance(deps: MaintenanceDeps): Promise<Record<string, number>> {
  const confirmationEmails = await deps.queue.ensureConfirmation(await deps.confirmations.unsent(deps.graceMs, 500));
  const expired = await expireUnconfirmed(deps);
  const ridings = await fillPendingRidings(deps, 50);
  let scrubbed = 0;
  if (await deps.store.claimRun('retention', DAY_MS)) {
    scrubbed = (await applyRetention(deps.retention)).reduce((sum, c) => sum + c.actions, 0);
  }
  return { confirmationEmails, expired, ridings, scrubbed };
}

/** Petition signatures taken while Represent was away: their riding, for the counts by riding. */
export async function fillPendingRidings(deps: Pick<MaintenanceDeps, 'store' | 'representatives'>, limit: number): Promise<number> {
  let filled = 0;
  for (const pending of await deps.store.pendingRidings(limit)) {
    let riding: { district: string | null; districtPending: boolean };
    try {
      riding = await findRiding(deps.representatives, pending.postalCode, null);
    } catch (error) {
      // Represent does not know the code: counted by province only. Anything else: next sweep.
      if (error instanceof AppError && error.code === 'postal_code_not_found') riding = { district: null, districtPending: false };
      else break;
    }
    if (riding.districtPending) break; // still away: try on the next sweep
    await deps.store.setRiding(pending.actionId, riding.district);
    filled += 1;
  }
  return filled;
}
