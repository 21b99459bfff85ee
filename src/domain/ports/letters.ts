// Letters on their way: what a worker reads and moves, and the queue that carries their ids.
import type { Locale } from '../campaign';
import type { LetterStatus } from '../letterStatus';
import type { Level } from '../offices';
import type { Recipient, RenderedLetter, SupporterDetails } from '../letters';

/** A letter claimed for sending, with everything the mailer needs. */
export interface LetterToSend {
  id: string;
  /** The sender's display name, when not the service's own (MAIL_FROM): an email to a supporter is from the organisation. */
  fromName?: string;
  to: { email: string; name: string };
  replyTo: { email: string; name: string };
  subject: string;
  text: string;
  html: string;
}

/** A claimed letter, with what says who it is from: its campaign and language. */
export interface ClaimedLetter extends LetterToSend {
  campaignSlug: string;
  locale: Locale;
}

/** An MP letter waiting for Represent, with what is needed to write it once the MP is known. */
export interface PendingLookup {
  letterId: string;
  campaignSlug: string;
  /** The campaign version the action was taken on (null: before versions were recorded). */
  campaignVersion: number | null;
  targetId: string;
  locale: Locale;
  district: string | null;
  supporter: SupporterDetails;
  message: string | null;
  /** What a dissolution holds it on ("federal", "provincial:ON"), if anything. */
  legislature: string | null;
  /** The one office it goes to, when known (a municipal target's mayor or councillor). */
  office: string | null;
  /** After an election: only a Represent answer fetched after this names the members now elected. */
  freshAfter: Date | null;
}

/** An office letter as written, to check before it is sent that its recipient still holds the office. */
export interface LetterWriting extends PendingLookup {
  level: Level | null;
  office: string | null;
  lookedUpAt: Date | null;
  recipient: { name: string; email: string | null } | null;
}

/** An office letter once its holder is known: written (or not, when skipped) and moved on. */
export interface ResolvedLetter {
  recipient: Recipient;
  rendered: RenderedLetter | null;
  province: string | null;
  office: string;
  lookedUpAt: Date;
  status: Extract<LetterStatus, 'queued' | 'failed' | 'skipped'>;
  reason: string | null;
}

export interface StatusChange {
  reason?: string | null;
  providerMessageId?: string | null;
  /** When it happened, if not now (a webhook event's own time). */
  at?: Date;
}

/** What a worker checks before sending a letter: its campaign (paused?), its target (paced?), its planned time. */
export interface DeliveryPlan {
  campaignSlug: string;
  status: LetterStatus;
  recipientEmail: string | null;
  plannedAt: Date | null;
  /** An office letter's legislature (held while dissolved) and when its holder was looked up. */
  legislature: string | null;
  level: Level | null;
  lookedUpAt: Date | null;
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
  /** Moves a letter to `sending` if the transition table allows it. */
  claim(letterId: string): Promise<ClaimedLetter | null>;
  /** Says why a queued letter waits (its reason), without an event: it may be said every minute. */
  explain(letterId: string, reason: string): Promise<void>;
  /** The same for every queued letter (SendGrid refusing our key holds them all). */
  explainQueued(reason: string): Promise<void>;
  /** How many times the letter has become uncertain (its history's `uncertain` events). */
  timesUncertain(letterId: string): Promise<number>;
  /** Conditional on the transition table; false when the letter was not in a status that can move to `to`. */
  move(letterId: string, to: LetterStatus, change?: StatusChange): Promise<boolean>;
  /** Records an event that does not change the status (a retry being scheduled, a rate limit). */
  note(letterId: string, type: string, reason: string | null, at?: Date): Promise<void>;
  status(letterId: string): Promise<LetterStatus | null>;
  pendingLookup(letterId: string): Promise<PendingLookup | null>;
  /**
   * awaiting_lookup → queued (or failed, skipped) with the recipient and the letter as it will be
   * sent; an MP letter also corrects its action's riding and province from that answer (what the
   * supporter typed meanwhile is dropped).
   */
  resolveLookup(letterId: string, resolved: ResolvedLetter): Promise<boolean>;
  /** A queued letter, as written: to check its office's holder, or to move it to a fixed target's new holder. */
  queuedLetter(letterId: string): Promise<LetterWriting | null>;
  /** Queued letters of a campaign's target not addressed to `exceptEmail`. */
  unsentTo(campaignSlug: string, targetId: string, exceptEmail: string | null): Promise<string[]>;
  /** A queued letter written again for a new holder (its slot is planned again); its history says why. */
  rewrite(letterId: string, rewritten: { recipient: Recipient; rendered: RenderedLetter; office?: string | null; lookedUpAt?: Date | null; reason: string }): Promise<boolean>;
  /** Its holder is confirmed by an answer fetched at `lookedUpAt`. */
  touchLookup(letterId: string, lookedUpAt: Date): Promise<void>;
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
  /** The email asking a supporter to confirm their action (its job id is confirmationEmailId: one job per action). */
  enqueueConfirmation(actionId: string): Promise<void>;
  ensureConfirmation(actionIds: string[]): Promise<number>;
  /** Receipts and notes to supporters (their job id is the email's id). */
  enqueueSupporterEmails(emailIds: string[]): Promise<void>;
  ensureSupporterEmails(emailIds: string[]): Promise<number>;
}

