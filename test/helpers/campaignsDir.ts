// A temporary CAMPAIGNS_DIR holding copies of the sample campaigns, each with some fields of its
// campaign.json changed (or a copy under another slug), for tests about one campaign setting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SAMPLES = path.join(__dirname, '..', '..', 'data', 'campaigns');

export interface CampaignCopy {
  /** The sample folder to copy (data/campaigns/<from>); the key of the map is the new slug. */
  from: string;
  /** Fields of campaign.json to set (shallow); `undefined` removes a field. */
  set?: Record<string, unknown>;
}

/** Writes the campaigns into a fresh temporary directory and returns its path. */
export function writeCampaignsDir(campaigns: Record<string, CampaignCopy>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-campaigns-'));
  for (const [slug, copy] of Object.entries(campaigns)) {
    const target = path.join(dir, slug);
    fs.cpSync(path.join(SAMPLES, copy.from), target, { recursive: true });
    const file = path.join(target, 'campaign.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    json.slug = slug;
    for (const [key, value] of Object.entries(copy.set ?? {})) {
      if (value === undefined) delete json[key];
      else json[key] = value;
    }
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
  }
  return dir;
}

export const removeCampaignsDir = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });

const DAY_MS = 24 * 3600_000;
/** An ISO date `days` days from now (negative: in the past). */
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();
