// BullMQ shell around the deliverLetter use case: turns its outcome into what BullMQ should do.
import { DelayedError, RateLimitError, type Job, type Queue } from 'bullmq';
import type { Logger } from '../src/adapters/logger';
import type { Metrics } from '../src/adapters/metrics';
import type { LetterJob } from '../src/adapters/queues';
import { deliverLetter, type DeliverDeps } from '../src/domain/deliverLetter';

export interface DeliveryProcessorDeps extends DeliverDeps {
  queue: Queue<LetterJob>;
  metrics: Metrics;
  log: Logger;
  /** While SendGrid refuses our key or sender, one letter is tried this often: each try says whether it is fixed. */
  pauseMs: number;
}

export function deliveryProcessor(deps: DeliveryProcessorDeps) {
  let alerted = false;
  return async (job: Job<LetterJob>, token?: string) => {
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await deliverLetter(deps, job.data.letterId, isLastAttempt);
    deps.metrics.deliveries.inc({ outcome: outcome.kind });
    switch (outcome.kind) {
      case 'accepted':
        if (alerted) {
          alerted = false;
          deps.log.info({}, 'SendGrid accepts letters again');
        }
        return outcome;
      case 'failed':
      case 'skipped':
      // SendGrid may have it: the sweeper reconciles it (webhook events, or a resend after the window).
      case 'uncertain':
      // Held by a pause: the job ends; resuming the campaign queues its letters again.
      case 'held':
        return outcome;
      case 'wait':
        // Paced: the same job comes back at the letter's slot, without using an attempt.
        await job.moveToDelayed(outcome.until.getTime(), token);
        throw new DelayedError();
      case 'misconfigured':
        alerted = true;
        // A fresh refusal (not a letter held by an earlier one): said in the log once a probe at
        // most; campaigners and monitors see it through the gate (serviceHealth.ts).
        if (outcome.retryAfterMs === 0) {
          deps.log.error({ reason: outcome.reason }, 'SendGrid refuses our API key or sender: letters are held until an operator fixes SENDGRID_API_KEY / MAIL_FROM');
        }
        await deps.queue.rateLimit(outcome.retryAfterMs || deps.pauseMs);
        throw new RateLimitError();
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
