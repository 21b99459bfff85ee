// "How many, where, and what happened": the numbers a campaigner watches, straight from the
// letters and actions in the database (no separate counters that could drift).
import type { CampaignKind, CampaignStatus } from './campaign';
import type { LetterStatus } from './letterStatus';
import type { Level } from './offices';
import { LETTER_STATUSES } from './letterStatus';
import type { CampaignCatalog, CampaignStates } from './ports';
import type { StatsStore } from './ports';
import { alertsFor, type HealthDeps, type ServiceAlert } from './serviceHealth';

export interface StatsDeps {
  store: StatsStore;
  campaigns: CampaignCatalog;
  states: CampaignStates;
  health: HealthDeps;
}

export interface CampaignStats {
  actions: number;
  letters: Record<LetterStatus, number>;
  byProvince: Record<string, number>;
  byDistrict: Array<{ district: string; actions: number }>;
  /** Each target's letters by office (an office target reaches a mayor and a councillor…), with their statuses. */
  byTarget: Array<{ target: string; level: Level | null; office: string | null; letters: number; byStatus: Partial<Record<LetterStatus, number>> }>;
  /** Actions by where supporters came from (utm_source, utm_medium; null when the address had none). */
  bySource: Array<{ source: string | null; medium: string | null; actions: number }>;
  /** Actions that came through another supporter's share link. */
  fromShares: number;
  /** Letters per riding, at each level of government. */
  byLevelDistrict: Partial<Record<Level, Array<{ district: string; letters: number }>>>;
  lastHour: number;
  perDay: Array<{ day: string; actions: number }>;
  /** The current status (definition, dates and the campaigners' switch). */
  status: CampaignStatus;
  kind: CampaignKind;
  goal: number | null;
  /** Actions confirmed by their supporter (every action, for campaigns that do not ask): what counts towards the goal. */
  confirmedActions: number;
  /** Actions still waiting for their supporter to confirm by email. */
  unconfirmedActions: number;
  /** What keeps this campaign's letters from going out (serviceHealth.ts). */
  alerts: ServiceAlert[];
}

export async function campaignStats(deps: StatsDeps, slug: string): Promise<CampaignStats> {
  const { store, states } = deps;
  const campaign = deps.campaigns.get(slug);
  const [state, counts, letters, provinces, districts, perDay, targets, levelDistricts, sources] = await Promise.all([
    states.of(campaign),
    store.actionCounts(slug),
    store.letterCounts(slug),
    store.actionsByProvince(slug),
    store.actionsByDistrict(slug),
    store.actionsPerDay(slug),
    store.lettersByTarget(slug),
    store.lettersByDistrict(slug),
    store.actionsBySource(slug),
  ]);
  const byTarget: CampaignStats['byTarget'] = [];
  for (const row of targets) {
    let entry = byTarget.find((t) => t.target === row.target && t.office === row.office);
    if (!entry) byTarget.push((entry = { target: row.target, level: row.level, office: row.office, letters: 0, byStatus: {} }));
    entry.letters += row.count;
    entry.byStatus[row.status] = row.count;
  }
  const byLevelDistrict: CampaignStats['byLevelDistrict'] = {};
  for (const row of levelDistricts) (byLevelDistrict[row.level] ??= []).push({ district: row.district, letters: row.letters });
  const byStatus = Object.fromEntries(LETTER_STATUSES.map((s) => [s, 0])) as Record<LetterStatus, number>;
  for (const { status, count } of letters) byStatus[status] = count;
  return {
    actions: counts.actions,
    letters: byStatus,
    // Not yet known (MP still being looked up, or erased with nothing left to place it).
    byProvince: Object.fromEntries(provinces.map((p) => [p.province ?? 'unknown', p.actions])),
    byDistrict: districts.map((d) => ({ district: d.district ?? 'unknown', actions: d.actions })),
    byTarget,
    byLevelDistrict,
    bySource: sources.bySource,
    fromShares: sources.fromShares,
    lastHour: counts.lastHour,
    perDay,
    status: state.status,
    kind: campaign.kind,
    goal: campaign.goal,
    confirmedActions: counts.confirmed,
    unconfirmedActions: counts.unconfirmed,
    alerts: await alertsFor(deps.health, byStatus),
  };
}
