// The worker sends a receipt or a "you already acted" note to a supporter's mailbox: written from
// the action as stored (its letters, its status link), From the organisation, and sent once. A
// refused address or the last failed attempt ends it as failed; other failures are retried by the
// queue (and the sweeper re-queues one whose job was lost).
import type { Locale } from './campaign';
import type { Mailer, SupporterEmail, SupporterEmailStore } from './ports';
import { MailError } from './ports';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

export interface SendSupporterEmailDeps {
  emails: SupporterEmailStore;
  mailer: Mailer;
  /** Writes the email in its language, with the status link. */
  write(email: SupporterEmail): EmailMessage;
  /** Who the supporter's reply reaches, named in their language. */
  organisation(campaignSlug: string, locale: Locale): { name: string; email: string };
}

export type SendOutcome = 'sent' | 'skipped' | 'rejected' | 'failed';

export async function sendSupporterEmail(deps: SendSupporterEmailDeps, emailId: string, isLastAttempt: boolean): Promise<SendOutcome> {
  const email = await deps.emails.get(emailId);
  if (!email || email.status !== 'queued') return 'skipped';
  const organisation = deps.organisation(email.campaignSlug, email.locale);
  try {
    await deps.mailer.send({
      id: email.id,
      fromName: organisation.name,
      to: { email: email.supporter.email, name: `${email.supporter.firstName} ${email.supporter.lastName}` },
      replyTo: organisation,
      ...deps.write(email),
    });
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    // A refused address will not become valid by trying again.
    if (error.kind === 'rejected' || isLastAttempt) {
      await deps.emails.markFailed(emailId, error.message);
      return error.kind === 'rejected' ? 'rejected' : 'failed';
    }
    throw error;
  }
  await deps.emails.markSent(emailId);
  return 'sent';
}
