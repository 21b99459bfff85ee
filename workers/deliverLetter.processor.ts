// BullMQ shell around the deliverLetter use case: turns its outcome into what BullMQ should do.
import { RateLimitError, type Job, type Queue } from 'bullmq';
import type { Metrics } from '../src/adapters/metrics';
import type { LetterJob } from '../src/adapters/queues';
import { deliverLetter, type DeliverDeps } from '../src/domain/deliverLetter';

export function deliveryProcessor(deps: DeliverDeps & { queue: Queue<LetterJob>; metrics: Metrics }) {
  return async (job: Job<LetterJob>) => {
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await deliverLetter(deps, job.data.letterId, isLastAttempt);
    deps.metrics.deliveries.inc({ outcome: outcome.kind });
    switch (outcome.kind) {
      case 'accepted':
      case 'failed':
      case 'skipped':
        return outcome;
      case 'rate_limited':
        // SendGrid said slow down: hold the whole queue, without using this letter's attempts.
        await deps.queue.rateLimit(outcome.retryAfterMs);
        throw new RateLimitError();
      case 'busy':
        throw new Error('Another attempt is sending this letter; checking again later.');
      case 'retry':
        // BullMQ retries with exponential backoff and jitter (the queue's default job options).
        throw new Error(outcome.reason);
    }
  };
}
