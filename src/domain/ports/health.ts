// What tells whether letters are going out: signals the workers leave (SendGrid refusing our key,
// Represent down since when) and the counts of letters that wait because of them.
import type { LetterStatus } from '../letterStatus';

export interface HealthSignals {
  /** SendGrid's words when it refuses our key or sender (null when it does not). */
  sendgridRefusal(): Promise<string | null>;
  /** Since when Represent has not answered (null when it answers). */
  representDownSince(): Promise<Date | null>;
}

export interface HealthCounts {
  /**
   * Letters of every campaign by status: all that wait (`awaiting_lookup`, `uncertain`), and the
   * ones SendGrid took that changed in the last day (for the bounce rate).
   */
  recentLetterCounts(): Promise<Array<{ status: LetterStatus; count: number }>>;
}
