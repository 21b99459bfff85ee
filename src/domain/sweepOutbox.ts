// The outbox sweeper: letters are stored before they are queued, so a letter whose job never
// made it to Redis (Redis down at submit, a crash between commit and enqueue) is found here
// and queued. Queueing is idempotent, so sweeping a letter that does have a job is harmless.
import type { CampaignCatalog, CampaignStates, LetterQueue, LetterStore } from './ports';

export interface SweepDeps {
  letters: LetterStore;
  queue: LetterQueue;
  /** How long a letter may sit without a job before the sweeper looks at it. */
  graceMs: number;
  /** A `sending` claim older than this belongs to a worker that died. */
  staleClaimMs: number;
  batchSize: number;
  campaigns: CampaignCatalog;
  states: CampaignStates;
}

export async function sweepOutbox(deps: SweepDeps): Promise<{ deliveries: number; lookups: number }> {
  // A paused campaign's letters wait for it to resume, not for a job.
  const waiting = await deps.letters.stale(['queued'], deps.graceMs, deps.batchSize, await pausedCampaigns(deps));
  const abandoned = await deps.letters.stale(['sending'], deps.staleClaimMs, deps.batchSize);
  const lookups = await deps.letters.stale(['awaiting_lookup'], deps.graceMs, deps.batchSize);
  return {
    deliveries: await deps.queue.ensureDelivery([...waiting, ...abandoned].map((l) => l.id)),
    lookups: await deps.queue.ensureLookup(lookups.map((l) => l.id)),
  };
}

async function pausedCampaigns(deps: Pick<SweepDeps, 'campaigns' | 'states'>): Promise<string[]> {
  const campaigns = deps.campaigns.list();
  const states = await Promise.all(campaigns.map((c) => deps.states.of(c)));
  return campaigns.filter((_, i) => states[i].status === 'paused').map((c) => c.slug);
}
