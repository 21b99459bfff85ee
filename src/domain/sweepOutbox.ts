// The outbox sweeper: letters are stored before they are queued, so a letter whose job never
// made it to Redis (Redis down at submit, a crash between commit and enqueue) is found here
// and queued. Queueing is idempotent, so sweeping a letter that does have a job is harmless.
import type { LetterQueue, LetterStore } from './ports';

export interface SweepDeps {
  letters: LetterStore;
  queue: LetterQueue;
  /** How long a letter may sit without a job before the sweeper looks at it. */
  graceMs: number;
  /** A `sending` claim older than this belongs to a worker that died. */
  staleClaimMs: number;
  batchSize: number;
  /** Campaigns whose letters wait for a resume rather than for a job. */
  pausedCampaigns(): Promise<string[]>;
}

export async function sweepOutbox(deps: SweepDeps): Promise<{ deliveries: number; lookups: number }> {
  const waiting = await deps.letters.stale(['queued'], deps.graceMs, deps.batchSize, await deps.pausedCampaigns());
  const abandoned = await deps.letters.stale(['sending'], deps.staleClaimMs, deps.batchSize);
  const lookups = await deps.letters.stale(['awaiting_lookup'], deps.graceMs, deps.batchSize);
  return {
    deliveries: await deps.queue.ensureDelivery([...waiting, ...abandoned].map((l) => l.id)),
    lookups: await deps.queue.ensureLookup(lookups.map((l) => l.id)),
  };
}
