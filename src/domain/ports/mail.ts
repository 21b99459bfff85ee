// Sending an email, and forgetting the copies the local outbox keeps.
import type { LetterToSend } from './letters';

/**
 * rejected: this letter, for good. misconfigured: our key or sender (every letter waits).
 * unavailable: not sent, try again. uncertain: no answer after the request went out (a timeout,
 * a reset connection): SendGrid may have it.
 */
export type MailFailureKind = 'rejected' | 'rate_limited' | 'unavailable' | 'uncertain' | 'misconfigured';

/** A send that did not go through: refused for good, or to try again later. */
export class MailError extends Error {
  constructor(
    readonly kind: MailFailureKind,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export interface Mailer {
  /** Resolves with the provider's message id; throws MailError. */
  send(letter: LetterToSend): Promise<{ messageId: string }>;
}

/**
 * Copies of sent emails kept outside the database (the local outbox's files, named by letter id
 * or email id): an erasure, an expiry or the retention scrub removes them with the rest.
 */
export interface MailCopies {
  /** Removes the copies of these emails; returns how many there were. */
  forget(ids: string[]): Promise<number>;
}

/**
 * Whether letters may go to SendGrid now. Once SendGrid refuses our key or sender, every letter
 * is held (one probe a minute tells when it is fixed); and a process that has not yet seen a
 * letter accepted sends one at a time until one is, so a bad key costs one request, not a burst.
 */
export interface SendGate {
  admit(): Promise<Admission>;
}

export type SendOutcome = 'accepted' | 'refused' | 'answered' | 'unanswered' | 'unsent';

export type Admission =
  | {
      go: true;
      /**
       * Tells the gate what came of this send: accepted; refused (our key or sender); answered
       * otherwise (SendGrid read our key: a 400, a 429); unanswered (a timeout: nothing learnt of
       * our key); or unsent.
       */
      done(outcome: SendOutcome, reason?: string): Promise<void>;
    }
  | { go: false; reason: string; retryAfterMs: number };
