// Whether a campaign takes actions now. Three things decide: the definition's status, its start
// and end dates, and the campaigners' switch on the dashboard. The most recent of them wins, so a
// campaigner can reopen a campaign after its end date, and an end date still closes a campaign
// that was switched open before it. A switch made before the start date holds past it (a
// campaign paused or opened early stays so).
import type { Campaign, CampaignStatus } from './campaign';
import { AppError } from './errors';
import type { CampaignCatalog } from './ports';
import type { AuditLog, CampaignStates, CampaignSwitches, LetterQueue, LetterStore } from './ports';

export interface CampaignSwitch {
  status: CampaignStatus;
  at: Date;
  by: string;
}

export type StatusCause = 'definition' | 'not_started' | 'ended' | 'switch';

export interface CampaignState {
  status: CampaignStatus;
  cause: StatusCause;
  /** Since when the campaign has had this status (null: since it was defined). */
  since: Date | null;
}

export function campaignState(campaign: Campaign, latestSwitch: CampaignSwitch | null, now: Date): CampaignState {
  const decisions: Array<CampaignState & { at: number }> = [
    { status: campaign.startsAt ? 'closed' : campaign.status, cause: campaign.startsAt ? 'not_started' : 'definition', since: null, at: -Infinity },
  ];
  // The start date opens the campaign unless a campaigner already decided otherwise before it.
  const switchedBeforeStart = campaign.startsAt && latestSwitch && latestSwitch.at.getTime() < campaign.startsAt.getTime();
  if (campaign.startsAt && !switchedBeforeStart) {
    decisions.push({ status: campaign.status, cause: 'definition', since: campaign.startsAt, at: campaign.startsAt.getTime() });
  }
  if (campaign.endsAt) decisions.push({ status: 'closed', cause: 'ended', since: campaign.endsAt, at: campaign.endsAt.getTime() });
  if (latestSwitch) decisions.push({ status: latestSwitch.status, cause: 'switch', since: latestSwitch.at, at: latestSwitch.at.getTime() });
  const current = decisions.filter((d) => d.at <= now.getTime()).reduce((latest, d) => (d.at >= latest.at ? d : latest));
  return { status: current.status, cause: current.cause, since: current.since };
}

/** The campaign, if it takes actions now; 409 `campaign_closed` otherwise (paused, closed, or not open yet). */
export async function openCampaign(catalog: CampaignCatalog, states: CampaignStates, slug: string): Promise<Campaign> {
  const campaign = catalog.get(slug);
  if ((await states.of(campaign)).status === 'open') return campaign;
  throw new AppError('campaign_closed');
}

export interface SwitchDeps {
  catalog: CampaignCatalog;
  switches: CampaignSwitches;
  states: CampaignStates & { forget?(slug: string): void };
  letters: Pick<LetterStore, 'queuedOf'>;
  queue: Pick<LetterQueue, 'ensureDelivery'>;
  audit: AuditLog;
}

/** A campaigner opens, pauses or closes a campaign. Opening after a pause releases the letters it held. */
export async function switchCampaign(deps: SwitchDeps, slug: string, status: CampaignStatus, by: string): Promise<{ state: CampaignState; released: number }> {
  const campaign = deps.catalog.get(slug);
  await deps.switches.record(slug, status, by);
  await deps.audit.record({ actor: by, action: 'switch', campaignSlug: slug, detail: { status } });
  deps.states.forget?.(slug);
  const state = await deps.states.of(campaign);
  const released = state.status === 'paused' ? 0 : await releaseHeld(deps, slug);
  return { state, released };
}

/** Queues the letters a campaign held while paused (their jobs ended), a page at a time. */
async function releaseHeld(deps: Pick<SwitchDeps, 'letters' | 'queue'>, slug: string, pageSize = 500): Promise<number> {
  let released = 0;
  for (let after: string | null = null; ; ) {
    const ids = await deps.letters.queuedOf(slug, after, pageSize);
    released += await deps.queue.ensureDelivery(ids);
    if (ids.length < pageSize) return released;
    after = ids[ids.length - 1];
  }
}
