// The public counter of a campaign, read from the database at most once every `ttlMs` per
// process: a page that goes viral must not cost a count(*) per view. A confirmation in this
// process refreshes it at once; others see it within `ttlMs`.
import { ttlCache } from '../ttlCache';
import type { CampaignCatalog, CampaignCounter } from '../../domain/ports';

export function cachedCounter(source: CampaignCounter, ttlMs: number): CampaignCounter & { forget(slug: string): void } {
  const counts = ttlCache((slug: string) => source.countActions(slug), ttlMs);
  return { countActions: (slug) => counts.get(slug), forget: (slug) => counts.forget(slug) };
}

/** The public counter: the campaign's actions plus those taken before or outside dearmp (`counterOffset`). */
export function withCounterOffset<C extends CampaignCounter>(counter: C, catalog: CampaignCatalog): C {
  return { ...counter, countActions: async (slug: string) => (await counter.countActions(slug)) + catalog.get(slug).counterOffset };
}
