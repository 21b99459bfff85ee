// Sending an email, and forgetting the copies the local outbox keeps.
import type { LetterToSend } from './letters';

/** rejected: this letter, for good. misconfigured: our key or sender (every letter waits). */
export type MailFailureKind = 'rejected' | 'rate_limited' | 'unavailable' | 'misconfigured';

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
