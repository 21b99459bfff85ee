// Actions waiting for their supporter to confirm by email.
import type { Locale } from '../campaign';

export interface PendingConfirmation {
  actionId: string;
  campaignSlug: string;
  locale: Locale;
  confirmedAt: Date | null;
  expiresAt: Date;
}

export interface ConfirmationEmail extends PendingConfirmation {
  token: string;
  /** The action's status link token (the email carries that link too). */
  statusToken: string;
  sentAt: Date | null;
  supporter: { email: string; firstName: string; lastName: string };
}

export interface ConfirmationStore {
  /** The action behind a token, confirmed or not; null when unknown, erased or expired unconfirmed. */
  find(token: string, now: Date): Promise<PendingConfirmation | null>;
  /**
   * Confirms it (once) and moves its letters on; `letters` are those released now (none when it
   * was already confirmed). Null when the token is unknown or expired.
   */
  confirm(token: string, now: Date): Promise<{ action: PendingConfirmation; newly: boolean; letters: Array<{ id: string; status: string }> } | null>;
  emailFor(actionId: string): Promise<ConfirmationEmail | null>;
  markSent(actionId: string): Promise<void>;
  /** Unconfirmed actions whose email has not gone yet, older than `olderThanMs` (for the sweeper). */
  unsent(olderThanMs: number, limit: number): Promise<string[]>;
  /** Deletes unconfirmed actions past their expiry, with their letters and consents; returns what went. */
  deleteExpired(now: Date, limit: number): Promise<{ actions: number; supporters: number; copies: string[] }>;
}
