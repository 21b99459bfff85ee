// A worker delivers one letter: hold it while its campaign is paused, wait for its slot when
// its campaign paces letters to each target, claim it (so no other worker sends it too), hand it
// to the mailer, and record what happened. The outcome tells the queue what to do next.
//
// A letter is sent at most once outside a crash: when SendGrid's answer is not known (a timeout,
// a reset connection, a worker that died before recording it) the letter becomes `uncertain`, and
// it is sent again only if no webhook event proves SendGrid has it within the reconcile window
// (sweepOutbox.ts).
import { senderNameOf } from './campaign';
import { heldForElection } from './officeHolders';
import { isStale, planSlot, type Pacing } from './pacing';
import type { CampaignCatalog, CampaignStates, Clock, DeliveryPlan, LegislatureStore, LetterStore, Mailer, SendGate, SendOutcome } from './ports';
import { needsRecheck, recheckRecipient, type RecheckDeps } from './recheckRecipient';
import { MailError } from './ports';

export interface DeliverDeps {
  letters: LetterStore;
  mailer: Mailer;
  gate: SendGate;
  campaigns: CampaignCatalog;
  states: CampaignStates;
  clock: Clock;
  /** A claim older than this belongs to a worker that died mid-send: its outcome is uncertain. */
  staleClaimMs: number;
  /** Waits between tries to record SendGrid's 202 while the database is away (then the sweeper reconciles). */
  recordRetriesMs: number[];
  wait(ms: number): Promise<void>;
  legislatures: Pick<LegislatureStore, 'dissolved' | 'sittingSince'>;
  /** Checking an office letter's recipient still holds the office (recheckRecipient.ts). */
  recheck: Omit<RecheckDeps, 'letters' | 'clock' | 'legislatures'>;
}

export type DeliveryOutcome =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'failed'; reason: string }
  /** Nothing to do: the letter was already sent, or is no longer waiting to be. */
  | { kind: 'skipped' }
  /** Another attempt holds the letter right now: look again later. */
  | { kind: 'busy' }
  | { kind: 'retry'; reason: string }
  /** SendGrid may have it: nothing more until proof comes, or the reconcile window passes. */
  | { kind: 'uncertain'; reason: string }
  /** SendGrid refuses our key or sender: nothing can be sent until an operator fixes it. */
  | { kind: 'misconfigured'; reason: string; retryAfterMs: number }
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The campaign is paused (the letter stays queued and is queued again when it resumes), or its legislature is dissolved (it waits for the election). */
  | { kind: 'held' }
  /** Paced: the letter's slot with its target is later. */
  | { kind: 'wait'; until: Date };

/** What a failed send tells the gate about our key: only an answer from SendGrid says it took it. */
const GATE_OUTCOME: Record<MailError['kind'], SendOutcome> = {
  misconfigured: 'refused',
  rejected: 'answered',
  rate_limited: 'answered',
  // No answer says nothing of our key (the gate keeps a refusal; see sendGate.ts).
  uncertain: 'unanswered',
  unavailable: 'unsent',
};

export const ABANDONED = 'The worker sending it stopped before SendGrid’s answer was recorded: waiting for proof before sending again.';

export async function deliverLetter(deps: DeliverDeps, letterId: string, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  const plan = await deps.letters.deliveryPlan(letterId, deps.staleClaimMs);
  if (plan?.abandoned) {
    return (await deps.letters.move(letterId, 'uncertain', { reason: ABANDONED })) ? { kind: 'uncertain', reason: ABANDONED } : { kind: 'skipped' };
  }
  if (!plan || plan.status !== 'queued') return sendNow(deps, letterId, isLastAttempt);
  const campaign = deps.campaigns.list().find((c) => c.slug === plan.campaignSlug);
  if (campaign && (await deps.states.of(campaign)).status === 'paused') return { kind: 'held' };
  // Its members are not members during an election: the letter waits for whoever is elected.
  const dissolved = plan.legislature ? (await deps.legislatures.dissolved()).get(plan.legislature) : undefined;
  if (dissolved) {
    return (await deps.letters.move(letterId, 'awaiting_election', { reason: heldForElection(dissolved) })) ? { kind: 'held' } : { kind: 'skipped' };
  }
  let due = campaign?.pacing && plan.recipientEmail ? await slotOf(deps, letterId, plan, campaign.slug, campaign.pacing) : null;
  if (due && due.getTime() > deps.clock.now().getTime()) return { kind: 'wait', until: due };
  // Its turn has come: is its recipient still the office's holder?
  if (needsRecheck(plan.lookedUpAt, deps.clock.now(), deps.recheck.recheckAfterMs)) {
    const checked = await recheckRecipient({ ...deps.recheck, letters: deps.letters, clock: deps.clock, legislatures: deps.legislatures }, letterId);
    if (checked.kind === 'skipped') return { kind: 'skipped' };
    if (checked.kind === 'changed') {
      // A new recipient takes a slot of their own.
      const again = await deps.letters.deliveryPlan(letterId, deps.staleClaimMs);
      due = campaign?.pacing && again?.recipientEmail ? await slotOf(deps, letterId, again, campaign.slug, campaign.pacing) : null;
      if (due && due.getTime() > deps.clock.now().getTime()) return { kind: 'wait', until: due };
    }
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
  // Our key or sender refused: the letter waits, and says why.
  const admission = await deps.gate.admit();
  if (!admission.go) {
    await deps.letters.explain(letterId, `Held: ${admission.reason}`);
    return { kind: 'misconfigured', reason: admission.reason, retryAfterMs: admission.retryAfterMs };
  }
  // The gate hears about every admitted send exactly once, whatever happens (a database error in
  // the claim included): a process that does not trust SendGrid yet waits for it.
  let told = false;
  const tell = async (outcome: SendOutcome, reason?: string) => {
    if (told) return;
    told = true;
    await admission.done(outcome, reason);
  };
  try {
    const letter = await deps.letters.claim(letterId);
    if (!letter) {
      await tell('unsent');
      return (await deps.letters.status(letterId)) === 'sending' ? { kind: 'busy' } : { kind: 'skipped' };
    }
    // From the supporter, through the organisation: the address stays ours (DMARC), the name says who wrote.
    const campaign = deps.campaigns.list().find((c) => c.slug === letter.campaignSlug);
    const fromName = campaign ? senderNameOf(campaign, letter.locale, letter.replyTo.name) : undefined;
    let messageId: string;
    try {
      ({ messageId } = await deps.mailer.send({ ...letter, fromName }));
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      await tell(GATE_OUTCOME[error.kind], error.message);
      return recordFailure(deps, letterId, error, isLastAttempt);
    }
    await tell('accepted');
    await recordAccepted(deps, letterId, messageId);
    return { kind: 'accepted', messageId };
  } finally {
    await tell('unsent');
  }
}

/**
 * SendGrid has the letter: record it, through a short database outage too, so that nothing is
 * left to reconcile. If the database stays away, the claim goes stale and the sweeper makes the
 * letter uncertain, where its webhook events prove it was sent.
 */
async function recordAccepted(deps: DeliverDeps, letterId: string, messageId: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await deps.letters.move(letterId, 'accepted', { providerMessageId: messageId });
      return;
    } catch (error) {
      if (attempt >= deps.recordRetriesMs.length) throw error;
      await deps.wait(deps.recordRetriesMs[attempt]);
    }
  }
}

async function recordFailure(deps: DeliverDeps, letterId: string, error: MailError, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  switch (error.kind) {
    case 'rejected':
      await deps.letters.move(letterId, 'failed', { reason: error.message });
      return { kind: 'failed', reason: error.message };
    case 'uncertain': {
      const reason = `${error.message}: SendGrid may have it, so it is not sent again unless no event proves it.`;
      await deps.letters.move(letterId, 'uncertain', { reason });
      return { kind: 'uncertain', reason };
    }
    case 'misconfigured':
      await deps.letters.move(letterId, 'queued', { reason: `Held: ${error.message}` });
      // Every letter waits for the fix, not only the ones a worker happens to pick up.
      await deps.letters.explainQueued(`Held: ${error.message}`);
      return { kind: 'misconfigured', reason: error.message, retryAfterMs: 0 };
    case 'rate_limited':
      // A rate limit is not the letter's fault: it does not use up an attempt.
      await deps.letters.move(letterId, 'queued', { reason: `SendGrid rate limit: ${error.message}` });
      return { kind: 'rate_limited', retryAfterMs: error.retryAfterMs ?? 1000 };
    case 'unavailable':
      if (isLastAttempt) {
        const reason = `Gave up after repeated errors; last: ${error.message}`;
        await deps.letters.move(letterId, 'failed', { reason });
        return { kind: 'failed', reason };
      }
      await deps.letters.move(letterId, 'queued', { reason: error.message });
      return { kind: 'retry', reason: error.message };
  }
}
