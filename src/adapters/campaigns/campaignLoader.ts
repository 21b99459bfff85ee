// Campaign folders under CAMPAIGNS_DIR: campaign.json plus letters/<target>.<locale>.hbs, read
// into a definition (campaignDefinition.ts) and compiled. A mistake stops start-up with a message
// naming the file and the problem, rather than surfacing in a supporter's letter. The folders are
// how samples ship and how campaigns are managed as code; the database keeps what is published
// (campaignLibrary.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../../domain/campaign';
import { AppError } from '../../domain/errors';
import type { CampaignCatalog, LetterRenderer } from '../../domain/ports';
import { compileDefinition, hasPath, SAMPLE_CONTEXT, type CompiledCampaign, type Definition } from './campaignDefinition';
import { partialsOf, textToHtml, tidyText, variablesOf } from './letterTemplates';

export class CampaignError extends Error {}

/** A folder's definition: campaign.json with its letter templates inline. */
export function readCampaignFolder(folder: string): Definition {
  const file = path.join(folder, 'campaign.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CampaignError(`Campaign ${file}: cannot be read as JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new CampaignError(`Campaign ${file}: (top): expected an object`);
  const letters: Record<string, Record<string, string>> = {};
  // letters/<target>.thanks.<locale>.hbs: the thank-you letter to holders who already agree.
  const thanks: Record<string, Record<string, string>> = {};
  const dir = path.join(folder, 'letters');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const match = /^(.+?)(\.thanks)?\.(en|fr)\.hbs$/.exec(name);
    if (!match) continue;
    ((match[2] ? thanks : letters)[match[1]] ??= {})[match[3]] = fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return { ...(raw as Definition), letters, ...(Object.keys(thanks).length > 0 ? { thanks } : {}) };
}

/** Compiles a folder's campaign, or says in one line what is wrong and in which file. */
export function compileFolder(folder: string, partialsDir: string): CompiledCampaign {
  const file = path.join(folder, 'campaign.json');
  const result = compileDefinition(readCampaignFolder(folder), partialsDir);
  if (!result.ok) {
    // A letter's problem names its file, as a campaigner editing files sees it.
    const problems = Object.entries(result.fields).map(([at, problem]) => {
      const letter = /^(letters|thanks)\.(.+)\.(en|fr)$/.exec(at);
      if (!letter) return `${at}: ${problem}`;
      return `letters/${letter[2]}${letter[1] === 'thanks' ? '.thanks' : ''}.${letter[3]}.hbs: ${problem}`;
    });
    throw new CampaignError(`Campaign ${file}: ${problems.join('; ')}`);
  }
  const { slug } = result.compiled.campaign;
  if (slug !== path.basename(folder)) throw new CampaignError(`Campaign ${file}: slug "${slug}" must match its folder name "${path.basename(folder)}"`);
  return result.compiled;
}

/** The campaign folders under `campaignsDir`, once the shared letter parts are checked. */
export function campaignFolders(campaignsDir: string, partialsDir: string): string[] {
  if (!fs.existsSync(campaignsDir)) throw new CampaignError(`Campaigns folder ${campaignsDir} does not exist (CAMPAIGNS_DIR).`);
  checkPartials(partialsDir);
  return fs
    .readdirSync(campaignsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(campaignsDir, entry.name));
}

/** Every campaign folder under `campaignsDir`, compiled. */
export function compileFolders(campaignsDir: string, partialsDir: string): CompiledCampaign[] {
  return campaignFolders(campaignsDir, partialsDir).map((folder) => compileFolder(folder, partialsDir));
}

function checkPartials(partialsDir: string): void {
  for (const locale of ['en', 'fr'] as Locale[]) {
    for (const partial of partialsOf(partialsDir, locale)) {
      const unknown = variablesOf(partial.source).filter((name) => !hasPath(SAMPLE_CONTEXT, name));
      if (unknown.length > 0) throw new CampaignError(`Letter part ${partial.file}: unknown variable ${unknown.map((n) => `{{${n}}}`).join(', ')}`);
    }
  }
}

export interface LoadedCampaigns {
  catalog: CampaignCatalog;
  renderer: LetterRenderer;
}

/** The campaign folders alone, as a catalog (tests, and tools that need no database). */
export function loadCampaigns(campaignsDir: string, partialsDir: string): LoadedCampaigns {
  const compiled = new Map(compileFolders(campaignsDir, partialsDir).map((c) => [c.campaign.slug, c]));
  if (compiled.size === 0) throw new CampaignError(`No campaign found in ${campaignsDir}: add a folder with a campaign.json.`);
  return catalogOf(compiled);
}

/** A catalog and renderer over compiled campaigns; `compiled` may change (a publish), and they follow. */
export function catalogOf(compiled: Map<string, CompiledCampaign>): LoadedCampaigns {
  const find = (slug: string): CompiledCampaign => {
    const one = compiled.get(slug);
    if (!one) throw new AppError('campaign_not_found');
    return one;
  };
  return {
    catalog: {
      get: (slug) => find(slug).campaign,
      list: () => [...compiled.values()].map((c) => c.campaign),
    },
    renderer: rendererOf(find),
  };
}

/** Renders with the compiled campaign `find` gives for a campaign (by slug). */
export function rendererOf(find: (slug: string) => CompiledCampaign): LetterRenderer {
  return {
    render(campaign, targetId, locale, context, subjectIndex) {
      const one = find(campaign.slug);
      const letter = one.letters.get(`${targetId}.${locale}`);
      if (!letter) throw new Error(`No letter template for ${campaign.slug}/${targetId}.${locale}`);
      const subjects = one.subjects[locale];
      return {
        // One line: a stray newline in a subject would break the mail header.
        subject: tidyText(subjects[subjectIndex % subjects.length](context)).replace(/\s+/g, ' '),
        text: tidyText(letter(context)),
      };
    },
    renderPetition(campaign, locale, context) {
      const one = find(campaign.slug);
      const letter = one.letters.get(`petition.${locale}`);
      if (!letter) throw new Error(`No petition letter for ${campaign.slug}.${locale}`);
      const text = tidyText(letter(context));
      return { subject: tidyText(one.subjects[locale][0](context)).replace(/\s+/g, ' '), text, html: textToHtml(text, locale) };
    },
  };
}
