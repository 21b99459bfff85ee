// What the public sees of a campaign and of the MPs for a postal code.
import { pickLocale, roleOf, type Locale, type Target } from './campaign';
import { invalidPostalCode } from './composeLetters';
import { lookupError } from './mpLookup';
import { normalisePostalCode } from './postalCode';
import type { RepresentativeLookup } from './representatives';
import type { CampaignCatalog, CampaignStates, RepresentativeFinder } from './ports';

export interface CampaignCounter {
  countActions(campaignSlug: string): Promise<number>;
}

export interface CampaignViewDeps {
  campaigns: CampaignCatalog;
  states: CampaignStates;
  /** Confirmed actions only (cached: a viral page must not count rows on every view). */
  counter: CampaignCounter;
}

export async function describeCampaign(deps: CampaignViewDeps, slug: string, asked: unknown) {
  const campaign = deps.campaigns.get(slug);
  const locale = pickLocale(campaign, asked);
  const [state, actions] = await Promise.all([deps.states.of(campaign), deps.counter.countActions(slug)]);
  return {
    slug: campaign.slug,
    kind: campaign.kind,
    title: campaign.title[locale],
    summary: campaign.summary[locale],
    status: state.status,
    locales: campaign.locales,
    targets: campaign.targets.map(targetView(locale)),
    chooseTargets: campaign.chooseTargets,
    counter: { actions, goal: campaign.goal },
  };
}

/** A target as the public sees it: an office by its level and offices (and its label), a fixed person by name and role. */
const targetView = (locale: Locale) => (t: Target) => {
  if (t.kind === 'mp') return { id: t.id, kind: 'mp' as const, label: roleOf(t, locale) };
  if (t.kind === 'office') return { id: t.id, kind: 'office' as const, level: t.level, offices: t.offices, label: roleOf(t, locale) };
  return { id: t.id, kind: 'fixed' as const, name: t.name, role: t.role[locale] };
};

/** The MPs of a postal code, for the action page's first step. */
export async function findRepresentatives(
  catalog: CampaignCatalog,
  finder: RepresentativeFinder,
  slug: string,
  rawPostalCode: unknown,
  visitor: string | null = null,
): Promise<RepresentativeLookup> {
  catalog.get(slug);
  const postalCode = normalisePostalCode(rawPostalCode);
  if (!postalCode) throw invalidPostalCode();
  const answer = await finder.find(postalCode, { visitor });
  if (answer.kind !== 'found') throw lookupError(answer);
  return answer.lookup;
}
