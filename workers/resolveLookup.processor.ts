// BullMQ shell around resolveLookup: while Represent cannot answer, the job waits and asks
// again (without using attempts: an outage of any length must not lose the letter).
import { DelayedError, type Job } from 'bullmq';
import type { LetterJob } from '../src/adapters/queues';
import { resolveLookup, type ResolveDeps } from '../src/domain/resolveLookup';

const MAX_WAIT_MS = 10 * 60_000;

export function lookupProcessor(deps: ResolveDeps & { retryBaseMs: number }) {
  return async (job: Job<LetterJob>, token?: string) => {
    const outcome = await resolveLookup(deps, job.data.letterId);
    if (outcome.kind !== 'unavailable') return outcome;
    const backoff = Math.min(MAX_WAIT_MS, deps.retryBaseMs * 2 ** Math.max(0, job.attemptsStarted - 1));
    const waitMs = Math.max(outcome.retryAfterMs ?? 0, backoff * (0.75 + Math.random() * 0.5));
    await job.moveToDelayed(Date.now() + Math.round(waitMs), token);
    throw new DelayedError();
  };
}
