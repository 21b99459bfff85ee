// What the use cases need from the outside world. Adapters implement these; the domain never
// sees express, BullMQ, pg or SendGrid.
import type { Locale } from './campaign';
import type { LetterStatus } from './letterStatus';
import type { Recipient, RenderedLetter, SupporterDetails } from './letters';

export interface Clock {
  now(): Date;
}

export interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ConsentRecord {
  purpose: 'send_letter' | 'updates';
  granted: boolean;
  /** The exact words shown to the supporter. */
  wording: string;
  locale: Locale;
  pageUrl: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface NewLetter {
  id: string;
  targetId: string;
  recipient: Recipient | null;
  /** The role shown while the recipient is still unknown (awaiting lookup). */
  role: string;
  rendered: RenderedLetter | null;
  status: Extract<LetterStatus, 'queued' | 'awaiting_lookup' | 'awaiting_confirmation' | 'failed'>;
  reason: string | null;
}

export interface NewAction {
  id: string;
  token: string;
  campaignSlug: string;
  locale: Locale;
  supporter: SupporterDetails;
  /** canonicalEmail(supporter.email): how the same person is recognised. */
  emailKey: string;
  message: string | null;
  district: string | null;
  /** A petition signature whose riding Represent could not give yet. */
  districtPending: boolean;
  /** Set when the campaign asks supporters to confirm by email: the secret of the link, and when it lapses. */
  confirmation: { token: string; expiresAt: Date } | null;
  consents: ConsentRecord[];
  letters: NewLetter[];
}

export interface LetterEvent {
  type: string;
  at: Date;
}

export interface StoredLetter {
  id: string;
  recipient: { name: string | null; role: string; district: string | null };
  subject: string | null;
  /** The letter as sent (plain text); null until written. Shown to the supporter only. */
  text: string | null;
  status: LetterStatus;
  updatedAt: Date;
  events: LetterEvent[];
}

export interface StoredAction {
  id: string;
  token: string;
  campaignSlug: string;
  createdAt: Date;
  /** False while a campaign with `confirm` waits for the supporter to confirm by email. */
  confirmed: boolean;
  letters: StoredLetter[];
}

/** A letter claimed for sending, with everything the mailer needs. */
export interface LetterToSend {
  id: string;
  to: { email: string; name: string };
  replyTo: { email: string; name: string };
  subject: string;
  text: string;
  html: string;
}

/** An MP letter waiting for Represent, with what is needed to write it once the MP is known. */
export interface PendingLookup {
  letterId: string;
  campaignSlug: string;
  targetId: string;
  locale: Locale;
  district: string | null;
  supporter: SupporterDetails;
  message: string | null;
}

export interface StatusChange {
  reason?: string | null;
  providerMessageId?: string | null;
  /** When it happened, if not now (a webhook event's own time). */
  at?: Date;
}

export interface ActionStore {
  countActions(campaignSlug: string): Promise<number>;
  /** The action of this person (by canonical email key) on this campaign. */
  findByEmail(campaignSlug: string, emailKey: string): Promise<StoredAction | null>;
  /** Stores supporter, action, consents, letters and their first events in one transaction; null if this email already acted. */
  create(action: NewAction): Promise<StoredAction | null>;
  get(id: string): Promise<StoredAction | null>;
}

/** What a worker checks before sending a letter: its campaign (paused?), its target (paced?), its planned time. */
export interface DeliveryPlan {
  campaignSlug: string;
  status: LetterStatus;
  recipientEmail: string | null;
  plannedAt: Date | null;
  /** `sending` for longer than the stale-claim time: the worker sending it died. */
  abandoned: boolean;
}

export interface LetterStore {
  deliveryPlan(letterId: string, staleAfterMs: number): Promise<DeliveryPlan | null>;
  /**
   * Reserves the letter's slot with its target, atomically with every other letter to the same
   * target: `choose` gets the target's next free slot and returns this letter's slot and the next one.
   */
  reserveSlot(letterId: string, targetKey: string, choose: (nextFree: Date | null) => { slot: Date; nextFree: Date }): Promise<Date>;
  /** Moves a letter to `sending` if the transition table allows it (or its earlier claim went stale). */
  claim(letterId: string, staleAfterMs: number): Promise<LetterToSend | null>;
  /** Conditional on the transition table; false when the letter was not in a status that can move to `to`. */
  move(letterId: string, to: LetterStatus, change?: StatusChange): Promise<boolean>;
  /** Records an event that does not change the status (a retry being scheduled, a rate limit). */
  note(letterId: string, type: string, reason: string | null, at?: Date): Promise<void>;
  status(letterId: string): Promise<LetterStatus | null>;
  pendingLookup(letterId: string): Promise<PendingLookup | null>;
  /** awaiting_lookup → queued with the recipient and the letter as it will be sent. */
  resolveLookup(letterId: string, recipient: Recipient, rendered: RenderedLetter): Promise<boolean>;
  /**
   * Letters whose last change is older than `olderThanMs`, in the statuses given (for the sweeper),
   * leaving out the campaigns given (paused) and letters planned for later (their job is waiting).
   */
  stale(statuses: LetterStatus[], olderThanMs: number, limit: number, exceptCampaigns?: string[]): Promise<Array<{ id: string; status: LetterStatus }>>;
  /** Queued letters of a campaign, in id order after `afterId` (to release them after a pause). */
  queuedOf(campaignSlug: string, afterId: string | null, limit: number): Promise<string[]>;
}

export interface LetterQueue {
  /** One job per letter, `jobId = letter-<id>`: adding twice is harmless. */
  enqueueDeliveries(letterIds: string[]): Promise<void>;
  /** `delayMs`: Represent has just failed; do not ask again before then. */
  enqueueLookups(letterIds: string[], delayMs?: number): Promise<void>;
  /** For the sweeper: enqueue again unless a live job already exists. Returns how many were added. */
  ensureDelivery(letterIds: string[]): Promise<number>;
  ensureLookup(letterIds: string[]): Promise<number>;
  /** The email asking a supporter to confirm their action (`jobId = confirm-<action id>`). */
  enqueueConfirmation(actionId: string): Promise<void>;
  ensureConfirmation(actionIds: string[]): Promise<number>;
}

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
