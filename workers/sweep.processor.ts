// BullMQ shell around the outbox sweeper, run by a job scheduler so that one worker sweeps at a time.
import type { Logger } from '../src/adapters/logger';
import { sweepOutbox, type SweepDeps } from '../src/domain/sweepOutbox';

export function sweepProcessor(deps: SweepDeps & { log: Logger }) {
  return async () => {
    const swept = await sweepOutbox(deps);
    if (swept.deliveries + swept.lookups > 0) deps.log.info(swept, 'sweeper queued letters that had no job');
    return swept;
  };
}
