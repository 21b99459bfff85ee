// Personal data is kept for a campaign's `retentionDays` after it closes, then scrubbed: names,
// emails, addresses, paragraphs, consents and letter texts go; the anonymous rows that count
// (actions by province and riding, letters by status) stay. Runs once a day (runMaintenance).
import type { CampaignCatalog, CampaignStates, Clock, Log } from './ports';
import type { MailCopies, RetentionStore } from './ports';

export interface RetentionDeps {
  campaigns: CampaignCatalog;
  states: CampaignStates;
  store: RetentionStore;
  clock: Clock;
  log: Log;
  copies: MailCopies;
}

const DAY_MS = 24 * 3600_000;

/** When a closed campaign's data is due to go: `retentionDays` after it closed; null if never (or not closed). */
export async function scrubDueAt(deps: Pick<RetentionDeps, 'states' | 'store'>, campaign: Parameters<CampaignStates['of']>[0]): Promise<Date | null> {
  if (campaign.retentionDays === null) return null;
  const state = await deps.states.of(campaign);
  if (state.status !== 'closed') return null;
  const closedAt = state.since ?? (await deps.store.lastActionAt(campaign.slug));
  return closedAt ? new Date(closedAt.getTime() + campaign.retentionDays * DAY_MS) : null;
}

export async function applyRetention(deps: RetentionDeps, batchSize = 1000): Promise<Array<{ slug: string; actions: number }>> {
  const scrubbed: Array<{ slug: string; actions: number }> = [];
  for (const campaign of deps.campaigns.list()) {
    const due = await scrubDueAt(deps, campaign);
    if (!due || due.getTime() > deps.clock.now().getTime()) continue;
    const totals = { actions: 0, supporters: 0, consents: 0, letters: 0, outbox_files: 0 };
    for (;;) {
      const batch = await deps.store.scrubBatch(campaign.slug, batchSize);
      totals.actions += batch.actions;
      totals.supporters += batch.supporters;
      totals.consents += batch.consents;
      totals.letters += batch.letters;
      totals.outbox_files += await deps.copies.forget(batch.copies);
      if (batch.actions < batchSize) break;
    }
    if (totals.actions === 0) continue;
    await deps.store.logErasure(`retention: ${campaign.slug}, ${campaign.retentionDays} days after it closed`, totals);
    deps.log.info({ campaign: campaign.slug, ...totals }, 'retention period over: personal data scrubbed');
    scrubbed.push({ slug: campaign.slug, actions: totals.actions });
  }
  return scrubbed;
}
