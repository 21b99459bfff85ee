// Each campaign's current state, read from the switches at most once every `ttlMs` per process:
// every submission and every letter sent asks, and a viral page must not cost a query each time.
// A switch made on the dashboard reaches other processes within `ttlMs`.
import type { Campaign } from '../../domain/campaign';
import { campaignState, type CampaignStates, type CampaignSwitch } from '../../domain/campaignLifecycle';
import type { Clock } from '../../domain/ports';

export function cachedCampaignStates(
  switches: { all(): Promise<Map<string, CampaignSwitch>> },
  clock: Clock,
  ttlMs: number,
): CampaignStates & { forget(slug?: string): void } {
  let cached: { at: number; switches: Promise<Map<string, CampaignSwitch>> } | null = null;
  const current = () => {
    const now = Date.now();
    if (!cached || now - cached.at >= ttlMs) {
      const loading = switches.all();
      cached = { at: now, switches: loading };
      // A failed read is not kept: the next caller tries again.
      loading.catch(() => {
        if (cached?.switches === loading) cached = null;
      });
    }
    return cached.switches;
  };
  return {
    async of(campaign: Campaign) {
      return campaignState(campaign, (await current()).get(campaign.slug) ?? null, clock.now());
    },
    forget: () => {
      cached = null;
    },
  };
}
