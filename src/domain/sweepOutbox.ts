// The outbox sweeper: letters are stored before they are queued, so a letter whose job never
// made it to Redis (Redis down at submit, a crash between commit and enqueue) is found here
// and queued. Queueing is idempotent, so sweeping a letter that does have a job is harmless.
//
// It also reconciles: a `sending` claim gone stale (its worker died) becomes uncertain, and an
// uncertain letter with no webhook event proving SendGrid has it after the reconcile window is
// queued to be sent again, once, its history saying why.
import { ABANDONED } from './deliverLetter';
import type { CampaignCatalog, CampaignStates, LetterQueue, LetterStore } from './ports';

export interface SweepDeps {
  letters: LetterStore;
  queue: LetterQueue;
  /** How long a letter may sit without a job before the sweeper looks at it. */
  graceMs: number;
  /** A `sending` claim older than this belongs to a worker that died. */
  staleClaimMs: number;
  /** How long an uncertain letter waits for proof (a webhook event) before it is sent again. */
  reconcileWindowMs: number;
  batchSize: number;
  campaigns: CampaignCatalog;
  states: CampaignStates;
}

export interface Swept {
  deliveries: number;
  lookups: number;
  /** Claims of workers that died, now waiting for proof. */
  uncertain: number;
  /** Uncertain letters with no proof in the window, sent again. */
  resent: number;
  /** Uncertain again after their one resend: failed, for a campaigner to look at. */
  gaveUp: number;
}

export const GAVE_UP =
  'No event from SendGrid for it, even after it was sent again: it may have arrived, twice, or not at all. Check SendGrid’s activity for it before retrying.';

export async function sweepOutbox(deps: SweepDeps): Promise<Swept> {
  const abandoned = await deps.letters.stale(['sending'], deps.staleClaimMs, deps.batchSize);
  let uncertain = 0;
  for (const { id } of abandoned) if (await deps.letters.move(id, 'uncertain', { reason: ABANDONED })) uncertain += 1;

  const minutes = Math.round(deps.reconcileWindowMs / 60_000);
  const unproven = await deps.letters.stale(['uncertain'], deps.reconcileWindowMs, deps.batchSize);
  const resend: string[] = [];
  let gaveUp = 0;
  for (const { id } of unproven) {
    // Sent again once already: a second copy is not risked a second time.
    if ((await deps.letters.timesUncertain(id)) > 1) {
      if (await deps.letters.move(id, 'failed', { reason: GAVE_UP })) gaveUp += 1;
      continue;
    }
    const reason = `No event from SendGrid for it in ${minutes} minute${minutes === 1 ? '' : 's'}: SendGrid does not have it; sent again.`;
    if (await deps.letters.move(id, 'queued', { reason })) resend.push(id);
  }

  // A paused campaign's letters wait for it to resume, not for a job.
  const waiting = await deps.letters.stale(['queued'], deps.graceMs, deps.batchSize, await pausedCampaigns(deps));
  const lookups = await deps.letters.stale(['awaiting_lookup'], deps.graceMs, deps.batchSize);
  return {
    deliveries: await deps.queue.ensureDelivery([...new Set([...resend, ...waiting.map((l) => l.id)])]),
    lookups: await deps.queue.ensureLookup(lookups.map((l) => l.id)),
    uncertain,
    resent: resend.length,
    gaveUp,
  };
}

async function pausedCampaigns(deps: Pick<SweepDeps, 'campaigns' | 'states'>): Promise<string[]> {
  const campaigns = deps.campaigns.list();
  const states = await Promise.all(campaigns.map((c) => deps.states.of(c)));
  return campaigns.filter((_, i) => states[i].status === 'paused').map((c) => c.slug);
}
