// BullMQ shell around resolveLookup: while Represent cannot answer, the job waits and asks
// again (without using attempts: an outage of any length must not lose the letter).
import { DelayedError, type Job } from 'bullmq';
import type { QueuePolicies } from '../src/adapters/queuePolicies';
import type { LetterJob } from '../src/adapters/queues';
import { resolveLookup, type ResolveDeps } from '../src/domain/resolveLookup';

export function lookupProcessor(deps: ResolveDeps, waitMs: QueuePolicies['lookups']['waitMs']) {
  return async (job: Job<LetterJob>, token?: string) => {
    const outcome = await resolveLookup(deps, job.data.letterId);
    if (outcome.kind !== 'unavailable') return outcome;
    await job.moveToDelayed(Date.now() + waitMs(job.attemptsStarted, outcome.retryAfterMs), token);
    throw new DelayedError();
  };
}
