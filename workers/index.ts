// The worker role: delivers letters, resolves MP lookups that had to wait, sends supporters their
// emails (confirmation requests, receipts, notes), and sweeps the outbox. Each processor is a thin shell over a use case; the
// queues' and workers' policies come from src/adapters/queuePolicies.ts.
import { Worker, type Queue } from 'bullmq';
import type { Logger } from '../src/adapters/logger';
import type { Metrics } from '../src/adapters/metrics';
import type { QueuePolicies } from '../src/adapters/queuePolicies';
import { QUEUE, type LetterJob } from '../src/adapters/queues';
import { workerRedis } from '../src/adapters/redis';
import type { SendConfirmationDeps } from '../src/domain/confirmAction';
import type { SendSupporterEmailDeps } from '../src/domain/sendSupporterEmail';
import type { DeliverDeps } from '../src/domain/deliverLetter';
import type { ApplyEventsDeps } from '../src/domain/deliveryEvents';
import type { ResolveDeps } from '../src/domain/resolveLookup';
import type { MaintenanceDeps } from '../src/domain/runMaintenance';
import type { SweepDeps } from '../src/domain/sweepOutbox';
import { deliveryProcessor } from './deliverLetter.processor';
import { lookupProcessor } from './resolveLookup.processor';
import { supporterEmailProcessor } from './supporterEmail.processor';
import { crmProcessor } from './crmWebhook.processor';
import type { CrmDeps } from '../src/domain/crmWebhook';
import { sweepLoop } from './sweepLoop';

/** Everything the worker role uses (src/deps.ts builds it). */
export interface WorkerDeps {
  redisUrl: string;
  prefix: string;
  log: Logger;
  metrics: Metrics;
  /** SendGrid's refusal of our key or sender, as the send gate keeps it. */
  sendgridHold: { lift(): Promise<void> };
  policies: QueuePolicies;
  /** Held as a whole after a SendGrid 429 or while our key is refused. */
  lettersQueue: Queue<LetterJob>;
  deliver: DeliverDeps;
  resolve: ResolveDeps;
  sendConfirmation: SendConfirmationDeps;
  sendSupporterEmail: SendSupporterEmailDeps;
  sweep: SweepDeps;
  /** Delivery events stored by the webhook but not applied (the web process stopped right after answering). */
  events: ApplyEventsDeps;
  maintenance: MaintenanceDeps;
  sweepIntervalMs: number;
  /** The organisation's CRM, when one is set (CRM_WEBHOOK_URL): its posts and their queue. */
  crm: (CrmDeps & { ensure(ids: string[]): Promise<number> }) | null;
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const { log, policies } = deps;
  const connection = workerRedis(deps.redisUrl, log);
  const common = { connection, prefix: deps.prefix, ...policies.keepFinished };

  const letters = new Worker(
    QUEUE.letters,
    deliveryProcessor({ ...deps.deliver, queue: deps.lettersQueue, metrics: deps.metrics, log, pauseMs: policies.misconfiguredPauseMs }),
    { ...common, ...policies.letters.worker },
  );
  const lookups = new Worker(QUEUE.lookups, lookupProcessor(deps.resolve, policies.lookups.waitMs), { ...common, ...policies.lookups.worker });
  const emails = new Worker(
    QUEUE.emails,
    supporterEmailProcessor({ confirmation: deps.sendConfirmation, email: deps.sendSupporterEmail }),
    { ...common, ...policies.emails.worker },
  );
  // A timer, not a BullMQ scheduler: the sweeper must run even after Redis lost everything.
  const sweeper = sweepLoop(deps, deps.sweepIntervalMs);

  // Listening before anything is awaited: with Redis away, a worker with no listener prints
  // every reconnection error as a raw stack trace.
  // Posts to the organisation's CRM, when it has one.
  const crm = deps.crm ? new Worker(QUEUE.crm, crmProcessor(deps.crm), { ...common, ...policies.crm.worker }) : null;
  const workers = [letters, lookups, emails, ...(crm ? [crm] : [])];
  for (const worker of workers) {
    worker.on('error', (error) => log.warn({ err: error.message, queue: worker.name }, 'worker error'));
    worker.on('failed', (job, error) => log.warn({ jobId: job?.id, queue: worker.name, err: error.message }, 'job attempt failed'));
  }

  // A fresh start may follow a fix (a new SENDGRID_API_KEY): lift the hold, and let the next
  // letter tell whether SendGrid accepts us again.
  await deps.sendgridHold.lift().catch(() => undefined);
  await deps.lettersQueue.removeRateLimitKey().catch(() => undefined);
  return {
    workers,
    async close() {
      sweeper.stop();
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
