// BullMQ shell around deliverToCrm: a CRM that did not take the post is tried again with the
// queue's backoff; once the tries are spent the post stays `failing`, with why, on the dashboard.
import type { Job } from 'bullmq';
import type { CrmJob } from '../src/adapters/queues';
import { deliverToCrm, type CrmDeps } from '../src/domain/crmWebhook';

export function crmProcessor(deps: CrmDeps) {
  return async (job: Job<CrmJob>) => {
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await deliverToCrm(deps, job.data.deliveryId, isLastAttempt);
    if (outcome.kind === 'retry') throw new Error(outcome.reason);
    return outcome;
  };
}
