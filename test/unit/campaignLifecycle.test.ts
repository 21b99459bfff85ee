import type { Campaign } from '../../src/domain/campaign';
import { campaignState, openCampaign, switchCampaign, type CampaignSwitch } from '../../src/domain/campaignLifecycle';
import { AppError } from '../../src/domain/errors';
import type { CampaignCatalog } from '../../src/domain/ports';

const campaign = (over: Partial<Campaign> = {}) => ({ slug: 'c', status: 'open', startsAt: null, endsAt: null, ...over }) as Campaign;
const at = (iso: string) => new Date(iso);
const flip = (status: CampaignSwitch['status'], iso: string): CampaignSwitch => ({ status, at: at(iso), by: 'Ana' });

describe('campaignState: the most recent decision wins', () => {
  it('without dates or switch: the definition', () => {
    expect(campaignState(campaign({ status: 'paused' }), null, at('2026-05-01T00:00:00Z'))).toEqual({ status: 'paused', cause: 'definition', since: null });
  });

  it('before its start date a campaign is not open yet; from it, the definition', () => {
    const c = campaign({ startsAt: at('2026-05-01T12:00:00Z') });
    expect(campaignState(c, null, at('2026-05-01T11:59:59Z'))).toEqual({ status: 'closed', cause: 'not_started', since: null });
    expect(campaignState(c, null, at('2026-05-01T12:00:00Z'))).toEqual({ status: 'open', cause: 'definition', since: at('2026-05-01T12:00:00Z') });
  });

  it('its end date closes it, even when a campaigner opened it before', () => {
    const c = campaign({ endsAt: at('2026-06-01T00:00:00Z') });
    expect(campaignState(c, flip('open', '2026-05-20T00:00:00Z'), at('2026-06-02T00:00:00Z'))).toEqual({
      status: 'closed',
      cause: 'ended',
      since: at('2026-06-01T00:00:00Z'),
    });
  });

  it('a switch after the end date reopens it; a switch wins over the definition', () => {
    const c = campaign({ endsAt: at('2026-06-01T00:00:00Z') });
    expect(campaignState(c, flip('open', '2026-06-03T00:00:00Z'), at('2026-06-04T00:00:00Z')).status).toBe('open');
    expect(campaignState(campaign(), flip('paused', '2026-05-03T00:00:00Z'), at('2026-05-04T00:00:00Z'))).toEqual({
      status: 'paused',
      cause: 'switch',
      since: at('2026-05-03T00:00:00Z'),
    });
  });

  it('a switch made before the start date holds past it', () => {
    const c = campaign({ startsAt: at('2026-05-10T00:00:00Z') });
    expect(campaignState(c, flip('paused', '2026-05-01T00:00:00Z'), at('2026-05-11T00:00:00Z'))).toMatchObject({ status: 'paused', cause: 'switch' });
    expect(campaignState(c, flip('open', '2026-05-01T00:00:00Z'), at('2026-05-02T00:00:00Z'))).toMatchObject({ status: 'open', cause: 'switch' });
  });

  it('a switch dated in the future (clock skew) does not count yet', () => {
    expect(campaignState(campaign(), flip('closed', '2026-05-05T00:00:00Z'), at('2026-05-04T00:00:00Z')).status).toBe('open');
  });
});

describe('openCampaign and switchCampaign', () => {
  const catalogOf = (c: Campaign): CampaignCatalog => ({ get: () => c, list: () => [c] });

  it.each(['paused', 'closed'] as const)('refuses a %s campaign with campaign_closed', async (status) => {
    const states = { of: async () => ({ status, cause: 'switch' as const, since: null }) };
    const refusal = await openCampaign(catalogOf(campaign()), states, 'c').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('campaign_closed');
  });

  it('records the switch, forgets the cached state, and releases held letters unless pausing', async () => {
    const recorded: string[] = [];
    let current: CampaignSwitch | null = null;
    const released: string[] = [];
    const deps = {
      catalog: catalogOf(campaign()),
      switches: {
        latest: async () => current,
        record: async (_slug: string, status: CampaignSwitch['status'], by: string) => {
          recorded.push(`${status} by ${by}`);
          current = { status, at: new Date(Date.now() - 1), by };
        },
      },
      states: { of: async (c: Campaign) => campaignState(c, current, new Date()), forget: () => recorded.push('forgot') },
      // Seven letters held: they are paged through and queued again.
      letters: { queuedOf: async (slug: string) => (released.push(slug), ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']) },
      queue: { ensureDelivery: async (ids: string[]) => ids.length },
      audit: { record: async (entry: { actor: string; action: string; detail: object }) => void recorded.push(`audit ${entry.action} ${JSON.stringify(entry.detail)} by ${entry.actor}`), recent: async () => [] },
    };
    expect(await switchCampaign(deps, 'c', 'paused', 'Ana')).toMatchObject({ state: { status: 'paused' }, released: 0 });
    expect(await switchCampaign(deps, 'c', 'open', 'Ana')).toMatchObject({ state: { status: 'open' }, released: 7 });
    expect(recorded).toEqual(['paused by Ana', 'audit switch {"status":"paused"} by Ana', 'forgot', 'open by Ana', 'audit switch {"status":"open"} by Ana', 'forgot']);
    expect(released).toEqual(['c']);
  });
});
