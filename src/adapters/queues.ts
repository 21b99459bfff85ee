// BullMQ queues. Jobs carry a letter id and nothing else: supporters' data stays in the
// database. Job ids are derived from letter ids, so adding a letter twice adds one job.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LetterQueue } from '../domain/ports';
import { confirmationEmailId } from '../domain/supporterEmails';
import type { QueuePolicies } from './queuePolicies';

export const QUEUE = { letters: 'letters', lookups: 'lookups', emails: 'emails', crm: 'crm' } as const;

/** A post to the organisation's CRM: its record's id (crm_deliveries), nothing of the supporter. */
export interface CrmJob {
  deliveryId: string;
}
export const crmJobId = (deliveryId: string) => `crm-${deliveryId}`;

export interface LetterJob {
  letterId: string;
}

/** An email to a supporter about their action: the confirmation request (`confirm`, by action) or a receipt or note (`email`, by its id). */
export type SupporterEmailJob = { actionId: string } | { emailId: string };

export const deliveryJobId = (letterId: string) => `letter-${letterId}`;
export const lookupJobId = (letterId: string) => `lookup-${letterId}`;

export interface Queues {
  letters: Queue<LetterJob>;
  lookups: Queue<LetterJob>;
  emails: Queue<SupporterEmailJob>;
  crm: Queue<CrmJob>;
  /** Queues each recorded CRM post unless a live job exists; returns how many were added. */
  ensureCrm(deliveryIds: string[]): Promise<number>;
  port: LetterQueue;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, policies: QueuePolicies): Queues {
  const letters = new Queue<LetterJob>(QUEUE.letters, { connection, prefix, defaultJobOptions: policies.letters.job });
  const lookups = new Queue<LetterJob>(QUEUE.lookups, { connection, prefix, defaultJobOptions: policies.lookups.job });
  const emails = new Queue<SupporterEmailJob>(QUEUE.emails, { connection, prefix, defaultJobOptions: policies.emails.job });
  const crm = new Queue<CrmJob>(QUEUE.crm, { connection, prefix, defaultJobOptions: policies.crm.job });
  for (const queue of [letters, lookups, emails, crm]) queue.on('error', () => undefined);

  // One `add` per letter rather than one addBulk per turn of the event loop: addBulk goes through
  // a MULTI pipeline, and ioredis copies every script BullMQ has defined on the connection (64)
  // onto each pipeline it builds. Measured in the bench, separate adds cost the web process less
  // per submission (docs/performance.md). The job id makes each add idempotent.
  const adder = (queue: Queue<LetterJob>, jobId: (id: string) => string, name: string) => async (ids: string[], delay = 0): Promise<void> => {
    await Promise.all(ids.map((letterId) => queue.add(name, { letterId }, { jobId: jobId(letterId), ...(delay > 0 ? { delay } : {}) })));
  };
  const addDeliveries = adder(letters, deliveryJobId, 'deliver');
  const addLookups = adder(lookups, lookupJobId, 'resolve');

  // Adds a job unless a live one exists; a finished job left behind is removed first, or its id would block the add.
  const ensure = async <T>(queue: Queue<T>, jobId: (id: string) => string, name: string, ids: string[], dataOf: (id: string) => T) => {
    let added = 0;
    for (const id of ids) {
      const existing = await queue.getJob(jobId(id));
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        await existing.remove().catch(() => undefined);
      }
      await (queue as Queue).add(name, dataOf(id), { jobId: jobId(id) });
      added += 1;
    }
    return added;
  };
  const letter = (letterId: string): LetterJob => ({ letterId });

  return {
    letters,
    lookups,
    emails,
    crm,
    ensureCrm: (ids) => ensure(crm, crmJobId, 'post', ids, (deliveryId) => ({ deliveryId })),
    port: {
      enqueueDeliveries: (ids) => addDeliveries(ids),
      enqueueLookups: (ids, delayMs) => addLookups(ids, delayMs),
      ensureDelivery: (ids) => ensure(letters, deliveryJobId, 'deliver', ids, letter),
      ensureLookup: (ids) => ensure(lookups, lookupJobId, 'resolve', ids, letter),
      enqueueConfirmation: async (actionId) => {
        await emails.add('confirm', { actionId }, { jobId: confirmationEmailId(actionId) });
      },
      ensureConfirmation: (ids) => ensure(emails, confirmationEmailId, 'confirm', ids, (actionId) => ({ actionId })),
      // The email's id is its job id: a receipt is queued once however often it is swept.
      enqueueSupporterEmails: async (ids) => {
        await Promise.all(ids.map((emailId) => emails.add('email', { emailId }, { jobId: emailId })));
      },
      ensureSupporterEmails: (ids) => ensure(emails, (id) => id, 'email', ids, (emailId) => ({ emailId })),
    },
    close: async () => {
      await Promise.all([letters.close(), lookups.close(), emails.close(), crm.close()]);
    },
  };
}
