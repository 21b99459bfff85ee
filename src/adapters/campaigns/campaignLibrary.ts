// The published campaigns every process serves, from the database. At start, a campaign folder
// the database does not have is imported as version 1 (one it has is left alone, and the log
// says so). Each process keeps the newest version of each campaign compiled in memory (a
// submission never reads a campaign from the database) and looks every `refreshMs` for a newer
// one: a publish reaches every web and worker process within seconds, without a restart.
import type { Logger } from '../logger';
import type { CampaignDefinitions, CampaignVersionsAt, DefinitionChecker } from '../../domain/ports';
import { compileDefinition, SAMPLE_VARIABLES, type CompiledCampaign } from './campaignDefinition';
import { campaignFolders, catalogOf, compileFolder, readCampaignFolder, rendererOf, CampaignError, type LoadedCampaigns } from './campaignLoader';
import path from 'node:path';
import { AppError } from '../../domain/errors';
import fs from 'node:fs';

export interface CampaignLibrary extends LoadedCampaigns {
  checker: DefinitionChecker;
  /** An older published version, compiled when first asked for (the newest few are kept). */
  versions: CampaignVersionsAt;
  /** Loads what was published since the last look (also called right after a publish here). */
  refresh(): Promise<void>;
  stop(): void;
}

const OLDER_VERSIONS_KEPT = 20;

export async function campaignLibrary(
  store: CampaignDefinitions,
  options: { campaignsDir: string; partialsDir: string; log: Logger; refreshMs: number },
): Promise<CampaignLibrary> {
  const { log, partialsDir } = options;
  // A folder the database has is left alone, unread. One it lacks is checked before it is
  // imported: a broken sample stops start-up with its file named.
  const known = new Set((await store.latestVersions()).map((v) => v.slug));
  for (const folder of campaignFolders(options.campaignsDir, partialsDir)) {
    const slug = path.basename(folder);
    if (!known.has(slug)) {
      compileFolder(folder, partialsDir);
      if (await store.importIfMissing(slug, readCampaignFolder(folder))) {
        log.info({ slug }, `Campaign ${slug}: imported from ${options.campaignsDir} as version 1`);
        continue;
      }
    }
    log.info({ slug }, `Campaign ${slug}: the database has it; ${folder} is left alone (publish changes from the dashboard or the admin API)`);
  }

  const compiled = new Map<string, CompiledCampaign>();
  const loaded = new Map<string, number>();
  const look = async (): Promise<void> => {
    for (const { slug, version } of await store.latestVersions()) {
      if ((loaded.get(slug) ?? 0) >= version) continue;
      const stored = await store.version(slug, version);
      if (!stored) continue;
      const result = compileDefinition(stored.definition, partialsDir);
      if (!result.ok) {
        // Published versions were checked when published: this is a template helper gone, say.
        log.error({ slug, version, problems: result.fields }, 'a published campaign version no longer compiles; the previous one stays');
        loaded.set(slug, version);
        continue;
      }
      compiled.set(slug, { ...result.compiled, campaign: { ...result.compiled.campaign, version } });
      loaded.set(slug, version);
    }
  };
  // One look at a time (the timer's and a publish's): a slower one must not put back an older version.
  let looking: Promise<void> = Promise.resolve();
  const refresh = (): Promise<void> => (looking = looking.catch(() => undefined).then(look));
  await refresh();
  if (compiled.size === 0 && fs.existsSync(options.campaignsDir)) throw new CampaignError(`No campaign found in ${options.campaignsDir} or the database: add a folder with a campaign.json.`);

  const timer = setInterval(() => void refresh().catch((error: Error) => log.warn({ err: error.message }, 'could not look for newly published campaigns')), options.refreshMs);
  timer.unref();

  // Older versions are rare guests (letters written after a publish, for actions taken before):
  // compiled on demand, the last few kept.
  const older = new Map<string, CompiledCampaign>();
  const compiledAt = async (slug: string, version: number | null): Promise<CompiledCampaign> => {
    const current = compiled.get(slug);
    if (!current) throw new AppError('campaign_not_found');
    if (version === null || current.campaign.version === version) return current;
    const key = `${slug}@${version}`;
    const kept = older.get(key);
    if (kept) return kept;
    const stored = await store.version(slug, version);
    const result = stored ? compileDefinition(stored.definition, partialsDir) : null;
    if (!result?.ok) {
      log.warn({ slug, version }, 'a campaign version could not be read again; the letter is written from the one published now');
      return current;
    }
    const one = { ...result.compiled, campaign: { ...result.compiled.campaign, version } };
    older.set(key, one);
    if (older.size > OLDER_VERSIONS_KEPT) older.delete(older.keys().next().value!);
    return one;
  };

  return {
    ...catalogOf(compiled),
    versions: {
      async at(slug, version) {
        const one = await compiledAt(slug, version);
        return { campaign: one.campaign, renderer: rendererOf(() => one) };
      },
    },
    checker: {
      variables: SAMPLE_VARIABLES,
      check(definition) {
        const result = compileDefinition(definition, partialsDir);
        if (!result.ok) return { ok: false, problems: result.fields };
        const one = result.compiled;
        return { ok: true, campaign: one.campaign, renderer: rendererOf(() => one) };
      },
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
