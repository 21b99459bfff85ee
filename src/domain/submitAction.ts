// A supporter acts: check what they typed, write their letters (composeLetters), store
// everything in one transaction (the outbox), then queue the letters. Queueing may fail (Redis
// down): the rows are already stored and the sweeper queues them later, so the answer stays 202.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Campaign, Locale } from './campaign';
import type { ActionInput, ComposeDeps } from './composeLetters';
import { checkSupporter, composeLetters, openCampaign } from './composeLetters';
import { canonicalEmail } from './emailAddress';
import { AppError } from './errors';
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
  const campaign = openCampaign(deps.campaigns, slug);
  const supporter = checkSupporter(campaign, input);

  const emailKey = canonicalEmail(supporter.email);
  const earlier = await deps.actions.findByEmail(slug, emailKey);
  if (earlier) return { created: false, action: earlier };

  const { locale, message, mp, letters } = await composeLetters(deps, campaign, supporter, input);
  const action = await deps.actions.create({
    id: randomUUID(),
    token: randomBytes(24).toString('base64url'),
    campaignSlug: slug,
    locale,
    supporter,
    emailKey,
    message,
    district: mp?.kind === 'found' ? mp.mp.district : input.district?.trim() || null,
    consents: consentRecords(campaign, locale, input, origin),
    letters,
  });
  if (!action) {
    // A twin request with the same email committed first: answer with its action.
    const twin = await deps.actions.findByEmail(slug, emailKey);
    if (twin) return { created: false, action: twin };
    throw new AppError('unavailable', 'The action could not be stored. Please try again.');
  }

  deps.onCreated?.(slug);
  await queueLetters(deps, letters, mp?.kind === 'pending' ? (mp.retryAfterMs ?? deps.lookupDelayMs) : 0);
  return { created: true, action };
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
