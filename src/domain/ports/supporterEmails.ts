// The receipts and "you already wrote" notes to supporters, stored before they are queued.
import type { CampaignKind, Locale } from '../campaign';

export type SupporterEmailKind = 'receipt' | 'duplicate' | 'undelivered';

/** How else to reach an office, from Represent's `offices` (empty for a fixed target, or when Represent has none). */
export interface OfficeContact {
  type: string | null;
  tel: string | null;
  postal: string | null;
}

/** What the email is written from: the action it is about, its letters as stored, and who gets it. */
export interface SupporterEmail {
  id: string;
  kind: SupporterEmailKind;
  status: 'queued' | 'sent' | 'failed';
  locale: Locale;
  campaignSlug: string;
  campaignKind: CampaignKind;
  action: { id: string; statusToken: string; createdAt: Date; referralCode: string | null };
  supporter: { email: string; firstName: string; lastName: string };
  letters: Array<{ recipient: { name: string | null; role: string; district: string | null }; subject: string | null; text: string | null }>;
  /** An `undelivered` note: the letter that did not arrive, and how else to reach its office. */
  undelivered?: { letterId: string; contacts: OfficeContact[] };
}

export interface SupporterEmailStore {
  /**
   * Records a note to the mailbox behind this action, unless one was recorded less than `withinMs`
   * ago (a form posted again and again must not flood anyone's inbox). Its id, or null.
   */
  recordDuplicate(actionId: string, locale: Locale, withinMs: number): Promise<string | null>;
  /** Records the note that this letter did not arrive (once per letter); its id, or null (already recorded, or erased). */
  recordUndelivered(letterId: string): Promise<string | null>;
  /** How else to reach the office a letter went to (Represent's offices, from the postal-code directory). */
  contactsOf(letterId: string): Promise<OfficeContact[]>;
  /** Null when there is no such email any more (erased, expired). */
  get(emailId: string): Promise<SupporterEmail | null>;
  markSent(emailId: string): Promise<void>;
  markFailed(emailId: string, reason: string): Promise<void>;
  /** Emails still queued, older than `olderThanMs` (for the sweeper). */
  unsent(olderThanMs: number, limit: number): Promise<string[]>;
}
