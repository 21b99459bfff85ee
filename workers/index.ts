// The worker role: delivers letters, resolves MP lookups that had to wait, sweeps the outbox.
import { Worker } from 'bullmq';
import { workerRedis } from '../src/adapters/redis';
import { KEEP_FINISHED, QUEUE } from '../src/adapters/queues';
import type { Deps } from '../src/deps';
import { runMaintenance } from '../src/domain/runMaintenance';
import { deliveryProcessor } from './deliverLetter.processor';
import { lookupProcessor } from './resolveLookup.processor';
import { sweepLoop } from './sweepLoop';
import { confirmationProcessor } from './sendConfirmation.processor';

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

export async function startWorkers(deps: Deps): Promise<RunningWorkers> {
  const { config, log, queues } = deps;
  const connection = workerRedis(deps.redisUrl, log);
  const common = { connection, prefix: config.redisPrefix, ...KEEP_FINISHED };

  const letters = new Worker(
    QUEUE.letters,
    deliveryProcessor({
      letters: deps.letters,
      mailer: deps.mailer,
      campaigns: deps.campaigns.catalog,
      states: deps.campaignStates,
      clock: deps.clock,
      staleClaimMs: deps.staleClaimMs,
      queue: queues.letters,
      metrics: deps.metrics,
      alerts: deps.alerts,
      log,
    }),
    // A limiter is required for queue.rateLimit() to hold the queue after a SendGrid 429.
    {
      ...common,
      concurrency: config.delivery.concurrency,
      limiter: { max: 1000, duration: 1000 },
      // While the queue is held (429, or a refused key) the worker waits in slices this long; a
      // short slice lets it shut down promptly instead of finishing a 30-second wait.
      maximumRateLimitDelay: 2000,
      lockDuration: config.delivery.lockMs,
      stalledInterval: config.delivery.lockMs,
    },
  );
  const lookups = new Worker(
    QUEUE.lookups,
    lookupProcessor({ ...deps.submit, letters: deps.letters, retryBaseMs: config.lookupRetryMs }),
    // No queue limiter: most lookups are answered from the cache, and the finder's shared budget
    // already keeps requests to Represent under REPRESENT_RATE_PER_MIN.
    { ...common, concurrency: 4, lockDuration: config.delivery.lockMs, stalledInterval: config.delivery.lockMs },
  );
  const emails = new Worker(QUEUE.emails, confirmationProcessor(deps.sendConfirmation), {
    ...common,
    concurrency: 2,
    lockDuration: config.delivery.lockMs,
    stalledInterval: config.delivery.lockMs,
  });
  // A timer, not a BullMQ scheduler: the sweeper must run even after Redis lost everything.
  const sweeper = sweepLoop(
    {
      letters: deps.letters,
      queue: queues.port,
      graceMs: config.delivery.sweepIntervalMs,
      staleClaimMs: deps.staleClaimMs,
      batchSize: 500,
      pausedCampaigns: async () => {
        const campaigns = deps.campaigns.catalog.list();
        const states = await Promise.all(campaigns.map((c) => deps.campaignStates.of(c)));
        return campaigns.filter((_, i) => states[i].status === 'paused').map((c) => c.slug);
      },
      log,
      applyEvents: deps.applyEvents,
      maintenance: () => runMaintenance(deps.maintenance),
    },
    config.delivery.sweepIntervalMs,
  );

  // Listening before anything is awaited: with Redis away, a worker with no listener prints
  // every reconnection error as a raw stack trace.
  const workers = [letters, lookups, emails];
  for (const worker of workers) {
    worker.on('error', (error) => log.warn({ err: error.message, queue: worker.name }, 'worker error'));
    worker.on('failed', (job, error) => log.warn({ jobId: job?.id, queue: worker.name, err: error.message }, 'job attempt failed'));
  }

  // A fresh start may follow a fix (a new SENDGRID_API_KEY): lift the hold, and let the next
  // letter tell whether SendGrid accepts us again.
  await deps.alerts.clear('sendgrid').catch(() => undefined);
  await queues.letters.removeRateLimitKey().catch(() => undefined);
  return {
    workers,
    async close() {
      sweeper.stop();
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
