// A supporter acts: check what they typed, write their letters (composeLetters), store
// everything in one transaction (the outbox), then queue the letters and the receipt. Queueing
// may fail (Redis down): the rows are already stored and the sweeper queues them later.
//
// The answer never tells whether this mailbox acted before: a new action and a repeat get the
// same answer, made of what this request composed, and the truth goes to the mailbox only (the
// receipt with the status link, or a note that they already acted, with the existing link).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Campaign, CampaignKind, Locale } from './campaign';
import { openCampaign } from './campaignLifecycle';
import type { ActionInput, ComposeDeps } from './composeLetters';
import { checkSupporter, composeLetters } from './composeLetters';
import { composeSignature } from './composeSignature';
import { CONFIRMATION_DAYS } from './confirmAction';
import type { SupporterDetails } from './letters';
import { canonicalEmail } from './emailAddress';
import type { ActionStore, ConsentRecord, LetterQueue, Log, NewLetter, SupporterEmailStore } from './ports';
import { receiptEmailId } from './supporterEmails';

export type { ActionInput } from './composeLetters';

/** Where the action came from, kept with the consent record. */
export interface Origin {
  ip: string | null;
  userAgent: string | null;
  pageUrl: string | null;
  /** Who asks, as the rate limits know them (an address, or its IPv6 subnet). */
  visitor: string | null;
}

/**
 * How many actions one mailbox may take in a while: counted only for actions taken. (The HTTP rate
 * limits read the count before a submission is handled, and refuse one past the allowance.)
 */
export interface EmailAllowance {
  spend(emailKey: string): Promise<void>;
}

export interface SubmitDeps extends ComposeDeps {
  actions: ActionStore;
  supporterEmails: SupporterEmailStore;
  queue: LetterQueue;
  log: Log;
  emailAllowance: EmailAllowance;
  /** Told of each new action (metrics). */
  onCreated?: (campaignSlug: string) => void;
  /** After Represent failed at submit time, wait this long (or its Retry-After) before asking again. */
  lookupDelayMs: number;
}

/** A letter as this request composed it: who it goes to and its subject. */
export interface ComposedLetter {
  recipient: { name: string | null; role: string; district: string | null };
  subject: string | null;
}

/** The same for a new action and a repeat: only what this request composed. */
export interface SubmitResult {
  kind: CampaignKind;
  locale: Locale;
  letters: ComposedLetter[];
  /** The supporter must confirm from an email before anything goes. */
  confirmationRequired: boolean;
  /**
   * The code this supporter's share links carry. A repeat gets a fresh one that counts nothing:
   * the same answer as a new action, so it cannot tell that this mailbox acted before.
   */
  referralCode: string;
}

/** A mailbox that acts again gets one note an hour at most, however often the form is sent. */
const DUPLICATE_NOTE_EVERY_MS = 3600_000;

export async function submitAction(deps: SubmitDeps, slug: string, input: ActionInput, origin: Origin): Promise<SubmitResult> {
  const campaign = await openCampaign(deps.campaigns, deps.states, slug);
  const supporter = checkSupporter(campaign, input);
  const emailKey = canonicalEmail(supporter.email);

  const composed = await compose(deps, campaign, supporter, input, origin.visitor);
  // With `confirm`, nothing goes anywhere until the supporter confirms from their email.
  const confirmation = campaign.confirm ? { token: randomBytes(24).toString('base64url'), expiresAt: daysLater(deps.clock.now(), CONFIRMATION_DAYS) } : null;
  const letters = confirmation ? composed.letters.map(holdForConfirmation) : composed.letters;
  const referralCode = newReferralCode();
  const result: SubmitResult = {
    kind: campaign.kind,
    locale: composed.locale,
    letters: letters.map((l) => ({ recipient: { name: l.recipient?.name ?? null, role: l.role, district: l.recipient?.district ?? null }, subject: l.rendered?.subject ?? null })),
    confirmationRequired: confirmation !== null,
    referralCode,
  };
  // No look-up of an earlier action first: create() tells (null) when this mailbox already acted,
  // so every first action saves a query.
  const action = await deps.actions.create({
    id: randomUUID(),
    token: randomBytes(24).toString('base64url'),
    campaignSlug: slug,
    locale: composed.locale,
    supporter,
    emailKey,
    message: composed.message,
    district: composed.district,
    districtChoice: composed.districtChoice,
    campaignVersion: campaign.version ?? null,
    districtPending: composed.districtPending,
    confirmation,
    consents: consentRecords(campaign, composed.locale, input, origin),
    letters,
    referralCode,
    // One's own link counts nothing.
    referredBy: input.ref ?? null,
    source: input.source ?? null,
  });
  if (!action) {
    await noteRepeat(deps, slug, emailKey, composed.locale);
    return result;
  }

  deps.onCreated?.(slug);
  await deps.emailAllowance.spend(emailKey).catch(() => undefined);
  await queue(deps, action.id, async () => {
    // A confirmation campaign's email carries the status link; otherwise the receipt does.
    if (confirmation) return deps.queue.enqueueConfirmation(action.id);
    const byStatus = (status: NewLetter['status']) => letters.filter((l) => l.status === status).map((l) => l.id);
    // Side by side: one round trip's wait, not three.
    await Promise.all([
      deps.queue.enqueueDeliveries(byStatus('queued')),
      deps.queue.enqueueLookups(byStatus('awaiting_lookup'), composed.lookupDelayMs),
      deps.queue.enqueueSupporterEmails([receiptEmailId(action.id)]),
    ]);
  });
  return result;
}

/** This mailbox acted on the campaign already: nothing is stored twice; the mailbox hears of it. */
async function noteRepeat(deps: SubmitDeps, slug: string, emailKey: string, locale: Locale): Promise<void> {
  const firstId = await deps.actions.idByEmail(slug, emailKey);
  // Gone meanwhile (erased, expired unconfirmed): nothing to tell.
  if (!firstId) return;
  const noteId = await deps.supporterEmails.recordDuplicate(firstId, locale, DUPLICATE_NOTE_EVERY_MS);
  if (noteId) await queue(deps, firstId, () => deps.queue.enqueueSupporterEmails([noteId]));
}

/** Stored is what matters: the sweeper queues what sits without a job. */
async function queue(deps: SubmitDeps, actionId: string, enqueue: () => Promise<void>): Promise<void> {
  try {
    await enqueue();
  } catch (error) {
    deps.log.warn({ err: error, actionId }, 'could not queue now; the sweeper will');
  }
}

interface Composed {
  locale: Locale;
  message: string | null;
  district: string | null;
  districtChoice: string | null;
  districtPending: boolean;
  letters: NewLetter[];
  /** Represent failed just now: wait this long before asking again for the MP. */
  lookupDelayMs: number;
}

/** A petition's signature carries no letters; a letter campaign's action carries one per target. */
async function compose(deps: SubmitDeps, campaign: Campaign, supporter: SupporterDetails, input: ActionInput, visitor: string | null): Promise<Composed> {
  if (campaign.kind === 'petition') {
    const signature = await composeSignature(deps.representatives, campaign, supporter.postalCode, input, visitor);
    return { ...signature, districtChoice: null, message: null, letters: [], lookupDelayMs: 0 };
  }
  const { locale, message, district, unavailable, letters } = await composeLetters(deps, campaign, supporter, input, visitor);
  return {
    locale,
    message,
    // Only a riding Represent gave is the action's; what the supporter typed waits for Represent
    // to answer (resolveLookup) and is kept apart, so it never shows as a riding.
    district,
    districtChoice: unavailable ? input.district?.trim() || null : null,
    districtPending: false,
    letters,
    lookupDelayMs: unavailable ? (unavailable.retryAfterMs ?? deps.lookupDelayMs) : 0,
  };
}

// A letter that will never go stays as it is; the others wait for the supporter.
const holdForConfirmation = (letter: NewLetter): NewLetter =>
  letter.status === 'failed' || letter.status === 'skipped' ? letter : { ...letter, status: 'awaiting_confirmation' };

const daysLater = (from: Date, days: number) => new Date(from.getTime() + days * 24 * 3600_000);

function consentRecords(campaign: Campaign, locale: Locale, input: ActionInput, origin: Origin): ConsentRecord[] {
  const shown = { locale, pageUrl: origin.pageUrl, ip: origin.ip, userAgent: origin.userAgent };
  return [
    { purpose: 'send_letter', granted: true, wording: campaign.sendNotice[locale], ...shown },
    { purpose: 'updates', granted: input.consent?.updates === true, wording: campaign.updatesConsent[locale], ...shown },
  ];
}

/** 12 characters of base64url: 72 random bits, short enough for a link people paste. */
const newReferralCode = () => randomBytes(9).toString('base64url');
