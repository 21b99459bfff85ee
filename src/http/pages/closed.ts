// A campaign that takes no action now (paused, closed, not open yet): why, the counter, and the
// campaigns people can join instead.
import type { Campaign, Locale } from '../../domain/campaign';
import type { CampaignState } from '../../domain/campaignLifecycle';
import { longDate } from '../../domain/letters';
import type { CampaignCatalog, CampaignStates } from '../../domain/ports';
import type { PageRenderer } from '../../adapters/pages';
import { fill } from '../../i18n';
import { counterModel } from './formModel';
import { layout, plural, type Plural } from './layout';

interface ClosedText {
  paused: string;
  closed: string;
  thanks: Plural;
  thanksNone: string;
  notStarted: string;
}

export interface ClosedPageDeps {
  renderer: PageRenderer;
  campaigns: CampaignCatalog;
  states: CampaignStates;
}

/** The page of a campaign that is not open, with links to the campaigns open now. */
export async function closedPage(deps: ClosedPageDeps, campaign: Campaign, locale: Locale, state: CampaignState, actions: number, url: string): Promise<string> {
  const others = deps.campaigns.list().filter((c) => c.slug !== campaign.slug);
  const states = await Promise.all(others.map((c) => deps.states.of(c).catch(() => null)));
  const open = others.filter((_, i) => states[i]?.status === 'open');
  const text = deps.renderer.text(locale);
  const c = text.closedPage as ClosedText;
  const messages =
    state.status === 'paused'
      ? [c.paused]
      : state.cause === 'not_started' && campaign.startsAt
        ? [fill(c.notStarted, { date: longDate(locale, campaign.startsAt) })]
        : [c.closed, actions > 0 ? plural(locale, c.thanks, actions) : c.thanksNone];
  return deps.renderer.render('closed', locale, {
    campaign: { title: campaign.title[locale], summary: campaign.summary[locale] },
    messages,
    counter: counterModel(text, campaign, locale, actions),
    others: open.map((o) => {
      const lang = (o.locales as string[]).includes(locale) ? locale : o.locales[0];
      return { title: o.title[lang], href: `/campaigns/${o.slug}?lang=${lang}` };
    }),
    layout: layout(deps.renderer, locale, { title: campaign.title[locale], campaign, url, skipTarget: 'closed-message', skipLabel: messages[0] }),
  });
}
