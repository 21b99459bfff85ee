// Every queue's and worker's policy, in one place: how often a job is tried and how it backs off,
// how long a worker holds a job and how soon a stalled one is taken back, how many run at once,
// how long finished jobs stay for the queue dashboard, and how long the lookup and delivery
// processors wait before trying again. The queues (queues.ts) and the workers (workers/) read
// them from here; the operator's settings (config.ts) feed the ones that are settings.
import type { JobsOptions, WorkerOptions } from 'bullmq';
import type { Config } from '../config';

type WorkerPolicy = Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'limiter' | 'maximumRateLimitDelay'>;

export interface QueuePolicy {
  job: Pick<JobsOptions, 'attempts' | 'backoff'>;
  worker: WorkerPolicy;
}

export interface QueuePolicies {
  letters: QueuePolicy;
  lookups: QueuePolicy & {
    /** How long a lookup waits before asking Represent again: `attempt` counts from 1; Represent's own Retry-After wins when longer. */
    waitMs(attempt: number, retryAfterMs: number | null): number;
  };
  emails: QueuePolicy;
  /** Posts to the organisation's CRM: a CRM down for hours still gets every post, backed off. */
  crm: QueuePolicy;
  /**
   * How long finished jobs stay in Redis (for the queue dashboard). Set on the workers, not on
   * each job: every job would otherwise carry these options in its hash, at every submission.
   */
  keepFinished: Pick<WorkerOptions, 'removeOnComplete' | 'removeOnFail'>;
  /** While SendGrid refuses our key or sender, the letters queue is held this long between tries (one letter each time). */
  misconfiguredPauseMs: number;
  /** Waits between tries to record SendGrid's 202 while the database is briefly away (about a minute in all). */
  recordRetriesMs: number[];
}

/** A lookup waits at most this long between two questions to Represent, however long the outage. */
const LOOKUP_MAX_WAIT_MS = 10 * 60_000;

export function queuePolicies(config: Pick<Config, 'delivery' | 'lookupRetryMs' | 'sendgrid' | 'crm'>): QueuePolicies {
  const { delivery } = config;
  // A job's lock is renewed while it runs; a worker that died loses it after this long.
  const lock = { lockDuration: delivery.lockMs, stalledInterval: delivery.lockMs };
  const deliveryJob: QueuePolicy['job'] = {
    attempts: delivery.attempts,
    // Jitter spreads retries so a SendGrid outage does not end in a thundering herd.
    backoff: { type: 'exponential', delay: delivery.backoffMs, jitter: 0.5 },
  };
  return {
    letters: {
      job: deliveryJob,
      worker: {
        ...lock,
        concurrency: delivery.concurrency,
        // A limiter is required for queue.rateLimit() to hold the queue after a SendGrid 429.
        limiter: { max: 1000, duration: 1000 },
        // While the queue is held (429, or a refused key) the worker waits in slices this long; a
        // short slice lets it shut down promptly instead of finishing a 30-second wait.
        maximumRateLimitDelay: 2000,
      },
    },
    lookups: {
      // Waiting for Represent uses no attempt (the processor delays the job itself): attempts
      // only cover errors of our own, such as the database being away.
      job: { attempts: 5 },
      // No queue limiter: most lookups are answered from the cache, and the finder's shared budget
      // already keeps requests to Represent under REPRESENT_RATE_PER_MIN.
      worker: { ...lock, concurrency: 4 },
      waitMs(attempt, retryAfterMs) {
        const backoff = Math.min(LOOKUP_MAX_WAIT_MS, config.lookupRetryMs * 2 ** Math.max(0, attempt - 1));
        return Math.round(Math.max(retryAfterMs ?? 0, backoff * (0.75 + Math.random() * 0.5)));
      },
    },
    emails: { job: deliveryJob, worker: { ...lock, concurrency: 2 } },
    crm: {
      job: { attempts: config.crm?.attempts ?? 10, backoff: { type: 'exponential', delay: config.crm?.backoffMs ?? 30_000, jitter: 0.5 } },
      worker: { ...lock, concurrency: 2 },
    },
    keepFinished: {
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    },
    misconfiguredPauseMs: config.sendgrid.probeIntervalMs,
    recordRetriesMs: [250, 500, 1000, 2000, 4000, 8000, 15_000, 30_000],
  };
}
