// Handing opted-in supporters to the organisation's CRM: each post is recorded in the database
// first (the sweeper records one for every supporter who agreed to updates, and withdrawals and
// erasures record theirs), then delivered through the `crm` queue with retries and backoff. The
// post is built from the database when it goes, so a supporter erased meanwhile is not sent.
import type { CrmSender, CrmStore } from './ports';
import { CrmError } from './ports';

export interface CrmDeps {
  store: CrmStore;
  sender: CrmSender;
}

export type CrmOutcome = { kind: 'delivered' } | { kind: 'cancelled' } | { kind: 'skipped' } | { kind: 'retry'; reason: string };

export async function deliverToCrm(deps: CrmDeps, id: string, isLastAttempt: boolean): Promise<CrmOutcome> {
  const delivery = await deps.store.load(id);
  if (!delivery) return { kind: 'skipped' };
  if (!delivery.event) {
    await deps.store.cancelled(id);
    return { kind: 'cancelled' };
  }
  try {
    await deps.sender.post(id, delivery.event, delivery.occurredAt);
  } catch (error) {
    if (!(error instanceof CrmError)) throw error;
    await deps.store.failed(id, error.message, isLastAttempt);
    return { kind: 'retry', reason: error.message };
  }
  await deps.store.delivered(id);
  return { kind: 'delivered' };
}
