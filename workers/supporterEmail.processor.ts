// BullMQ shell around the emails to supporters: the confirmation request (sendConfirmation) and
// receipts and notes (sendSupporterEmail). A MailError other than a refusal is thrown, so BullMQ
// retries it with the queue's backoff; the sweeper re-queues an email whose job was lost.
import type { Job } from 'bullmq';
import type { SupporterEmailJob } from '../src/adapters/queues';
import { sendConfirmation, type SendConfirmationDeps } from '../src/domain/confirmAction';
import { sendSupporterEmail, type SendSupporterEmailDeps } from '../src/domain/sendSupporterEmail';

export function supporterEmailProcessor(deps: { confirmation: SendConfirmationDeps; email: SendSupporterEmailDeps }) {
  return async (job: Job<SupporterEmailJob>) => {
    if ('actionId' in job.data) return sendConfirmation(deps.confirmation, job.data.actionId);
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return sendSupporterEmail(deps.email, job.data.emailId, isLastAttempt);
  };
}
