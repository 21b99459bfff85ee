// The campaigners' open / pause / close switches, kept as a log: the latest one counts.
import type { CampaignStatus } from '../../domain/campaign';
import type { CampaignSwitch } from '../../domain/campaignLifecycle';
import type { Db } from '../db';
import type { CampaignSwitches } from '../../domain/ports';

export function campaignSwitchesRepo(db: Db): CampaignSwitches & { all(): Promise<Map<string, CampaignSwitch>> } {
  return {
    async latest(slug) {
      const { rows } = await db.query<{ status: CampaignStatus; at: Date; by: string }>(
        'SELECT status, at, by FROM campaign_switches WHERE campaign_slug = $1 ORDER BY at DESC, id DESC LIMIT 1',
        [slug],
      );
      return rows[0] ?? null;
    },
    async all() {
      const { rows } = await db.query<{ campaign_slug: string; status: CampaignStatus; at: Date; by: string }>(
        `SELECT DISTINCT ON (campaign_slug) campaign_slug, status, at, by FROM campaign_switches ORDER BY campaign_slug, at DESC, id DESC`,
      );
      return new Map(rows.map((r) => [r.campaign_slug, { status: r.status, at: r.at, by: r.by }]));
    },
    async record(slug, status, by) {
      await db.query('INSERT INTO campaign_switches (campaign_slug, status, by) VALUES ($1, $2, $3)', [slug, status, by]);
    },
  };
}
