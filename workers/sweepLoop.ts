// Runs the outbox sweeper (then leftover delivery events, then maintenance: confirmations, expiry,
// ridings, retention) every `intervalMs` in each worker process. Several processes may sweep at
// once: queueing is idempotent (job ids come from letter ids), so that is harmless.
import type { Logger } from '../src/adapters/logger';
import { applyDeliveryEvents } from '../src/domain/deliveryEvents';
import { runMaintenance, type MaintenanceDeps } from '../src/domain/runMaintenance';
import { sweepOutbox, type SweepDeps } from '../src/domain/sweepOutbox';
import type { CrmStore } from '../src/domain/ports';

export interface SweepLoopDeps {
  sweep: SweepDeps;
  events: Parameters<typeof applyDeliveryEvents>[0];
  maintenance: MaintenanceDeps;
  log: Logger;
  /** Records a CRM post for each new opted-in supporter, and queues every pending post. */
  crm: { store: CrmStore; ensure(ids: string[]): Promise<number> } | null;
}

export function sweepLoop(deps: SweepLoopDeps, intervalMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return; // a slow sweep is never stacked under the next one
    running = true;
    try {
      // SendGrid events stored but not applied (the web process stopped right after answering):
      // first, because an uncertain letter's proof may be among them.
      const applied = await applyDeliveryEvents(deps.events);
      if (applied > 0) deps.log.info({ applied }, 'sweeper applied delivery events');
      const swept = await sweepOutbox(deps.sweep);
      if (Object.values(swept).some((n) => n > 0)) deps.log.info(swept, 'sweeper queued letters that had no job, or reconciled uncertain ones');
      if (deps.crm) {
        const queued = await deps.crm.ensure(await deps.crm.store.pending(500));
        if (queued > 0) deps.log.info({ queued }, 'sweeper queued posts to the CRM');
      }
      const maintained = await runMaintenance(deps.maintenance);
      if (Object.values(maintained).some((n) => n > 0)) deps.log.info(maintained, 'maintenance done');
    } catch (error) {
      deps.log.warn({ err: (error as Error).message }, 'sweep failed; will try again');
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
