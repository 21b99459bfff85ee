// What the public sees of a campaign and of the MPs for a postal code.
import type { CampaignCatalog } from './campaign';
import { pickLocale } from './campaign';
import { AppError } from './errors';
import { normalisePostalCode } from './postalCode';
import type { RepresentativeFinder, RepresentativeLookup } from './representatives';

export interface CampaignCounter {
  countActions(campaignSlug: string): Promise<number>;
}

export async function describeCampaign(catalog: CampaignCatalog, counter: CampaignCounter, slug: string, asked: unknown) {
  const campaign = catalog.get(slug);
  const locale = pickLocale(campaign, asked);
  return {
    slug: campaign.slug,
    title: campaign.title[locale],
    summary: campaign.summary[locale],
    status: campaign.status,
    locales: campaign.locales,
    targets: campaign.targets.map((t) => (t.kind === 'mp' ? { kind: 'mp' as const } : { kind: 'fixed' as const, name: t.name, role: t.role[locale] })),
    counter: { actions: await counter.countActions(slug), goal: campaign.goal },
  };
}

export async function findRepresentatives(
  catalog: CampaignCatalog,
  finder: RepresentativeFinder,
  slug: string,
  rawPostalCode: unknown,
): Promise<RepresentativeLookup> {
  catalog.get(slug);
  const postalCode = normalisePostalCode(rawPostalCode);
  if (!postalCode) throw invalidPostalCode();
  return finder.find(postalCode);
}

export const invalidPostalCode = () =>
  new AppError('invalid_postal_code', 'This is not a Canadian postal code. It looks like K1A 0A6.', {
    fields: { postalCode: 'invalid' },
  });
