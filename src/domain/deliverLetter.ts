// A worker delivers one letter: hold it while its campaign is paused, wait for its slot when
// its campaign paces letters to each target, claim it (so no other worker sends it too), hand it
// to the mailer, and record what happened. The outcome tells the queue what to do next.
import { isStale, planSlot, type Pacing } from './pacing';
import type { CampaignCatalog, CampaignStates, Clock, DeliveryPlan, LetterStore, Mailer } from './ports';
import { MailError } from './ports';

export interface DeliverDeps {
  letters: LetterStore;
  mailer: Mailer;
  campaigns: CampaignCatalog;
  states: CampaignStates;
  clock: Clock;
  /** A claim older than this is an abandoned attempt (a worker died mid-send) and may be taken over. */
  staleClaimMs: number;
}

export type DeliveryOutcome =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'failed'; reason: string }
  /** Nothing to do: the letter was already sent, or is no longer waiting to be. */
  | { kind: 'skipped' }
  /** Another attempt holds the letter right now: look again later. */
  | { kind: 'busy' }
  | { kind: 'retry'; reason: string }
  /** SendGrid refuses our key or sender: nothing can be sent until an operator fixes it. */
  | { kind: 'misconfigured'; reason: string }
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The campaign is paused: the letter stays queued and is queued again when it resumes. */
  | { kind: 'held' }
  /** Paced: the letter's slot with its target is later. */
  | { kind: 'wait'; until: Date };

export async function deliverLetter(deps: DeliverDeps, letterId: string, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  let plan = await deps.letters.deliveryPlan(letterId, deps.staleClaimMs);
  if (plan?.abandoned && (await deps.letters.move(letterId, 'queued', { reason: 'The worker sending it stopped; queued again.' }))) {
    // Back in the queue, it waits for a resume or its slot like any other letter.
    plan = { ...plan, status: 'queued', abandoned: false };
  }
  if (!plan || plan.status !== 'queued') return sendNow(deps, letterId, isLastAttempt);
  const campaign = deps.campaigns.list().find((c) => c.slug === plan.campaignSlug);
  if (campaign && (await deps.states.of(campaign)).status === 'paused') return { kind: 'held' };
  if (campaign?.pacing && plan.recipientEmail) {
    const due = await slotOf(deps, letterId, plan, campaign.slug, campaign.pacing);
    if (due.getTime() > deps.clock.now().getTime()) return { kind: 'wait', until: due };
  }
  return sendNow(deps, letterId, isLastAttempt);
}

/** The letter's planned time: kept while it holds, planned (again) when it has none or is long overdue. */
async function slotOf(deps: DeliverDeps, letterId: string, plan: DeliveryPlan, slug: string, pacing: Pacing): Promise<Date> {
  const now = deps.clock.now();
  if (plan.plannedAt && !isStale(pacing, plan.plannedAt, now)) return plan.plannedAt;
  // One queue of slots per target and campaign; letters to the same address share it.
  return deps.letters.reserveSlot(letterId, `${slug}:${plan.recipientEmail!.toLowerCase()}`, (nextFree) => planSlot(pacing, now, nextFree));
}

async function sendNow(deps: DeliverDeps, letterId: string, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  const letter = await deps.letters.claim(letterId, deps.staleClaimMs);
  if (!letter) {
    return (await deps.letters.status(letterId)) === 'sending' ? { kind: 'busy' } : { kind: 'skipped' };
  }
  try {
    const { messageId } = await deps.mailer.send(letter);
    await deps.letters.move(letterId, 'accepted', { providerMessageId: messageId });
    return { kind: 'accepted', messageId };
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    return recordFailure(deps, letterId, error, isLastAttempt);
  }
}

async function recordFailure(deps: DeliverDeps, letterId: string, error: MailError, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  if (error.kind === 'rejected') {
    await deps.letters.move(letterId, 'failed', { reason: error.message });
    return { kind: 'failed', reason: error.message };
  }
  if (error.kind === 'misconfigured') {
    await deps.letters.move(letterId, 'queued', { reason: `Held: ${error.message}` });
    return { kind: 'misconfigured', reason: error.message };
  }
  if (error.kind === 'rate_limited') {
    // A rate limit is not the letter's fault: it does not use up an attempt.
    await deps.letters.move(letterId, 'queued', { reason: `SendGrid rate limit: ${error.message}` });
    return { kind: 'rate_limited', retryAfterMs: error.retryAfterMs ?? 1000 };
  }
  if (isLastAttempt) {
    const reason = `Gave up after repeated errors; last: ${error.message}`;
    await deps.letters.move(letterId, 'failed', { reason });
    return { kind: 'failed', reason };
  }
  await deps.letters.move(letterId, 'queued', { reason: error.message });
  return { kind: 'retry', reason: error.message };
}
