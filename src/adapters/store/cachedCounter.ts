// The public counter of a campaign, read from the database at most once every `ttlMs` per
// process: a page that goes viral must not cost a count(*) per view. A confirmation in this
// process refreshes it at once; others see it within `ttlMs`.
import type { CampaignCounter } from '../../domain/campaignView';

export function cachedCounter(source: CampaignCounter, ttlMs: number): CampaignCounter & { forget(slug: string): void } {
  const cache = new Map<string, { at: number; count: Promise<number> }>();
  return {
    countActions(slug) {
      const hit = cache.get(slug);
      if (hit && Date.now() - hit.at < ttlMs) return hit.count;
      const count = source.countActions(slug);
      cache.set(slug, { at: Date.now(), count });
      // A failed count is not kept: the next view tries again.
      count.catch(() => cache.get(slug)?.count === count && cache.delete(slug));
      return count;
    },
    forget: (slug) => void cache.delete(slug),
  };
}
