// A supporter acts: check what they typed, write their letters (composeLetters), store
// everything in one transaction (the outbox), then queue the letters. Queueing may fail (Redis
// down): the rows are already stored and the sweeper queues them later, so the answer stays 202.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Campaign, Locale } from './campaign';
import { openCampaign } from './campaignLifecycle';
import type { ActionInput, ComposeDeps } from './composeLetters';
import { checkSupporter, composeLetters } from './composeLetters';
import { composeSignature } from './composeSignature';
import { CONFIRMATION_DAYS } from './confirmAction';
import type { SupporterDetails } from './letters';
import { canonicalEmail } from './emailAddress';
import { AppError } from './errors';
import { ridingOf } from './mpLookup';
import type { ActionStore, ConsentRecord, LetterQueue, Log, NewLetter, StoredAction } from './ports';

export type { ActionInput } from './composeLetters';

/** Where the action came from, kept with the consent record. */
export interface Origin {
  ip: string | null;
  userAgent: string | null;
  pageUrl: string | null;
}

export interface SubmitDeps extends ComposeDeps {
  actions: ActionStore;
  queue: LetterQueue;
  log: Log;
  /** Told of each new action (metrics). */
  onCreated?: (campaignSlug: string) => void;
  /** After Represent failed at submit time, wait this long (or its Retry-After) before asking again. */
  lookupDelayMs: number;
}

export interface SubmitResult {
  /** False when this email had already acted on the campaign: `action` is that first one. */
  created: boolean;
  action: StoredAction;
}

export async function submitAction(deps: SubmitDeps, slug: string, input: ActionInput, origin: Origin): Promise<SubmitResult> {
  const campaign = await openCampaign(deps.campaigns, deps.states, slug);
  const supporter = checkSupporter(campaign, input);

  const emailKey = canonicalEmail(supporter.email);
  // No look-up of an earlier action first: create() tells (null) when this email already acted,
  // so the rare repeat pays for composing letters it does not store, and every first one saves a query.
  const firstAction = () => deps.actions.findByEmail(slug, emailKey);
  let composed: Composed;
  try {
    composed = await compose(deps, campaign, supporter, input);
  } catch (error) {
    // A repeat is answered with the first action even when its letters cannot be written now.
    const first = await firstAction().catch(() => null);
    if (first) return { created: false, action: first };
    throw error;
  }
  // With `confirm`, nothing goes anywhere until the supporter confirms from their email.
  const confirmation = campaign.confirm ? { token: randomBytes(24).toString('base64url'), expiresAt: daysLater(deps.clock.now(), CONFIRMATION_DAYS) } : null;
  const letters = confirmation ? composed.letters.map(holdForConfirmation) : composed.letters;
  const action = await deps.actions.create({
    id: randomUUID(),
    token: randomBytes(24).toString('base64url'),
    campaignSlug: slug,
    locale: composed.locale,
    supporter,
    emailKey,
    message: composed.message,
    district: composed.district,
    districtPending: composed.districtPending,
    confirmation,
    consents: consentRecords(campaign, composed.locale, input, origin),
    letters,
  });
  if (!action) {
    // This email already acted on the campaign (or a twin request committed first): answer with that action.
    const first = await firstAction();
    if (first) return { created: false, action: first };
    throw new AppError('unavailable', { internal: 'the action was neither stored nor found' });
  }

  deps.onCreated?.(slug);
  if (confirmation) await queueConfirmationEmail(deps, action.id);
  else await queueLetters(deps, letters, composed.lookupDelayMs);
  return { created: true, action };
}

interface Composed {
  locale: Locale;
  message: string | null;
  district: string | null;
  districtPending: boolean;
  letters: NewLetter[];
  /** Represent failed just now: wait this long before asking again for the MP. */
  lookupDelayMs: number;
}

/** A petition's signature carries no letters; a letter campaign's action carries one per target. */
async function compose(deps: SubmitDeps, campaign: Campaign, supporter: SupporterDetails, input: ActionInput): Promise<Composed> {
  if (campaign.kind === 'petition') {
    const signature = await composeSignature(deps.representatives, campaign, supporter.postalCode, input);
    return { ...signature, message: null, letters: [], lookupDelayMs: 0 };
  }
  const { locale, message, mp, letters } = await composeLetters(deps, campaign, supporter, input);
  return {
    locale,
    message,
    district: (mp && ridingOf(mp)) ?? (input.district?.trim() || null),
    districtPending: false,
    letters,
    lookupDelayMs: mp?.kind === 'unavailable' ? (mp.retryAfterMs ?? deps.lookupDelayMs) : 0,
  };
}

const holdForConfirmation = (letter: NewLetter): NewLetter =>
  letter.status === 'failed' ? letter : { ...letter, status: 'awaiting_confirmation' };

const daysLater = (from: Date, days: number) => new Date(from.getTime() + days * 24 * 3600_000);

async function queueConfirmationEmail(deps: SubmitDeps, actionId: string): Promise<void> {
  try {
    await deps.queue.enqueueConfirmation(actionId);
  } catch (error) {
    deps.log.warn({ err: error, actionId }, 'could not queue the confirmation email now; the sweeper will');
  }
}

function consentRecords(campaign: Campaign, locale: Locale, input: ActionInput, origin: Origin): ConsentRecord[] {
  const shown = { locale, pageUrl: origin.pageUrl, ip: origin.ip, userAgent: origin.userAgent };
  return [
    { purpose: 'send_letter', granted: true, wording: campaign.sendNotice[locale], ...shown },
    { purpose: 'updates', granted: input.consent?.updates === true, wording: campaign.updatesConsent[locale], ...shown },
  ];
}

async function queueLetters(deps: SubmitDeps, letters: NewLetter[], lookupDelayMs: number): Promise<void> {
  const byStatus = (status: NewLetter['status']) => letters.filter((l) => l.status === status).map((l) => l.id);
  try {
    await deps.queue.enqueueDeliveries(byStatus('queued'));
    await deps.queue.enqueueLookups(byStatus('awaiting_lookup'), lookupDelayMs);
  } catch (error) {
    // Stored is what matters: the sweeper queues letters that sit without a job.
    deps.log.warn({ err: error, letterIds: letters.map((l) => l.id) }, 'could not queue letters now; the sweeper will');
  }
}
