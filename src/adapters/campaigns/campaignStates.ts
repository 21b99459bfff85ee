// Each campaign's current state, read from the switches at most once every `ttlMs` per process:
// every submission and every letter sent asks, and a viral page must not cost a query each time.
// A switch made on the dashboard reaches other processes within `ttlMs`.
import type { Campaign } from '../../domain/campaign';
import { campaignState, type CampaignSwitch } from '../../domain/campaignLifecycle';
import type { CampaignStates, Clock } from '../../domain/ports';
import { ttlCache } from '../ttlCache';

export function cachedCampaignStates(
  switches: { all(): Promise<Map<string, CampaignSwitch>> },
  clock: Clock,
  ttlMs: number,
): CampaignStates & { forget(slug?: string): void } {
  // One read brings every campaign's latest switch: the cache holds that one answer.
  const latest = ttlCache(() => switches.all(), ttlMs);
  return {
    async of(campaign: Campaign) {
      return campaignState(campaign, (await latest.get('all')).get(campaign.slug) ?? null, clock.now());
    },
    forget: () => latest.forget(),
  };
}
