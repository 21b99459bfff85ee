// BullMQ shell around sendConfirmation: a MailError other than a refusal is thrown, so BullMQ
// retries it with the queue's backoff; the sweeper re-queues an email whose job was lost.
import type { Job } from 'bullmq';
import type { SupporterEmailJob } from '../src/adapters/queues';
import { sendConfirmation, type SendConfirmationDeps } from '../src/domain/confirmAction';

export function confirmationProcessor(deps: SendConfirmationDeps) {
  return async (job: Job<SupporterEmailJob>) => sendConfirmation(deps, job.data.actionId);
}
