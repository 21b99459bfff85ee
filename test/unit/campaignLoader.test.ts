import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CampaignError, loadCampaigns } from '../../src/adapters/campaigns/campaignLoader';
import { AppError } from '../../src/domain/errors';

const ROOT = path.join(__dirname, '../..');
const SAMPLE = path.join(ROOT, 'data', 'campaigns', 'xinjiang');
const PARTIALS_DIR = path.join(ROOT, 'templates', 'letters');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-campaigns-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Copies the sample campaign into the temp folder under `folder`, letting `edit` change its definition. */
function sample(folder = 'xinjiang', edit?: (definition: Record<string, any>) => void): string {
  const target = path.join(dir, folder);
  fs.cpSync(SAMPLE, target, { recursive: true });
  if (edit) {
    const file = path.join(target, 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(definition);
    fs.writeFileSync(file, JSON.stringify(definition, null, 2));
  }
  return target;
}

function loadError(campaignsDir = dir): CampaignError {
  try {
    loadCampaigns(campaignsDir, PARTIALS_DIR);
  } catch (error) {
    expect(error).toBeInstanceOf(CampaignError);
    return error as CampaignError;
  }
  throw new Error('expected loadCampaigns to throw');
}

describe('loadCampaigns', () => {
  it('loads the sample campaign', () => {
    sample();
    const { catalog } = loadCampaigns(dir, PARTIALS_DIR);
    expect(catalog.list().map((c) => c.slug)).toEqual(['xinjiang']);
    const campaign = catalog.get('xinjiang');
    const definition = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'campaign.json'), 'utf8'));
    expect(campaign.title).toEqual(definition.title);
    expect(campaign.targets.map((t) => t.id)).toEqual(definition.targets.map((t: { id: string }) => t.id));
  });

  it('loads the real campaigns folder', () => {
    const { catalog } = loadCampaigns(path.join(ROOT, 'data', 'campaigns'), PARTIALS_DIR);
    expect(catalog.get('xinjiang').slug).toBe('xinjiang');
  });

  it('an unknown slug is AppError campaign_not_found', () => {
    sample();
    const { catalog } = loadCampaigns(dir, PARTIALS_DIR);
    expect(() => catalog.get('nope')).toThrow(AppError);
    try {
      catalog.get('nope');
    } catch (error) {
      expect((error as AppError).code).toBe('campaign_not_found');
    }
  });

  it('fills defaults for optional settings', () => {
    sample('xinjiang', (d) => {
      delete d.goal;
      delete d.requireAddress;
      delete d.contentWarning;
    });
    const campaign = loadCampaigns(dir, PARTIALS_DIR).catalog.get('xinjiang');
    expect(campaign.goal).toBeNull();
    expect(campaign.requireAddress).toBe(true);
    expect(campaign.contentWarning).toBeNull();
  });

  it('ignores plain files beside the campaign folders', () => {
    sample();
    fs.writeFileSync(path.join(dir, 'README.md'), '# campaigns\n');
    expect(loadCampaigns(dir, PARTIALS_DIR).catalog.list()).toHaveLength(1);
  });

  it('refuses a campaign.json that is not JSON', () => {
    const folder = sample();
    fs.writeFileSync(path.join(folder, 'campaign.json'), '{"slug": "xinjiang",');
    const { message } = loadError();
    expect(message).toContain(path.join(folder, 'campaign.json'));
    expect(message).toMatch(/JSON/);
  });

  it('refuses a folder without campaign.json', () => {
    const folder = sample();
    fs.rmSync(path.join(folder, 'campaign.json'));
    expect(loadError().message).toContain('campaign.json');
  });

  it.each<[string, (d: Record<string, any>) => void, RegExp]>([
    ['missing title.fr', (d) => delete d.title.fr, /title\.fr/],
    ['empty title.fr', (d) => (d.title.fr = ''), /title\.fr/],
    ['a target with an invalid email', (d) => (d.targets[1].email = 'anita.anand-at-parl.gc.ca'), /targets\.1\.email/],
    ['two targets with the same id', (d) => (d.targets[1].id = 'mp'), /targets.*unique/],
    ['two MP targets', (d) => d.targets.push({ id: 'mp2', kind: 'mp' }), /targets.*MP/],
    ['no target', (d) => (d.targets = []), /targets/],
    ['an unknown status', (d) => (d.status = 'draft'), /status/],
    ['an unknown locale', (d) => (d.locales = ['en', 'de']), /locales\.1/],
    ['a goal that is not a positive whole number', (d) => (d.goal = -5), /goal/],
    ['a bad organisation email', (d) => (d.organisation.email = 'nobody'), /organisation\.email/],
    ['no subject in French', (d) => (d.subjects.fr = []), /subjects\.fr/],
    ['a sender name with an unknown placeholder', (d) => (d.senderName = { en: '{name} via {organisation}', fr: '{supporter}' }), /senderName\.en.*only \{supporter\} and \{organisation\}/],
  ])('refuses %s, naming campaign.json and the problem', (_what, edit, problem) => {
    sample('xinjiang', edit);
    const { message } = loadError();
    expect(message).toContain('campaign.json');
    expect(message).toMatch(problem);
  });

  it('names every problem of the definition at once', () => {
    sample('xinjiang', (d) => {
      delete d.title.fr;
      d.targets[1].email = 'nope';
    });
    const { message } = loadError();
    expect(message).toMatch(/title\.fr/);
    expect(message).toMatch(/targets\.1\.email/);
  });

  it('refuses a slug that does not match its folder', () => {
    sample('uyghurs');
    const { message } = loadError();
    expect(message).toContain('campaign.json');
    expect(message).toContain('"xinjiang"');
    expect(message).toContain('"uyghurs"');
  });

  it('refuses a missing letter template, naming it', () => {
    const folder = sample();
    fs.rmSync(path.join(folder, 'letters', 'minister.fr.hbs'));
    const { message } = loadError();
    expect(message).toContain('campaign.json');
    expect(message).toContain('minister.fr.hbs');
  });

  it('refuses a letter template with a syntax error, naming it', () => {
    const folder = sample();
    fs.writeFileSync(path.join(folder, 'letters', 'mp.fr.hbs'), 'Bonjour {{recipient.name}\n');
    expect(loadError().message).toContain('mp.fr.hbs');
  });

  it('refuses a subject naming a missing variable, naming the subject', () => {
    sample('xinjiang', (d) => (d.subjects.en[1] = 'From {{supporter.nickname}}'));
    expect(loadError().message).toMatch(/subjects\.en\.1/);
  });

  it('refuses a shared letter part that tests a misspelt variable, naming the part', () => {
    sample();
    const partials = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-partials-'));
    fs.cpSync(PARTIALS_DIR, partials, { recursive: true });
    const part = path.join(partials, 'fr', 'address-block.hbs');
    fs.appendFileSync(part, '{{#if supporter.adress}}{{supporter.address}}{{/if}}\n');
    let error: unknown;
    try {
      loadCampaigns(dir, partials);
    } catch (e) {
      error = e;
    } finally {
      fs.rmSync(partials, { recursive: true, force: true });
    }
    expect(error).toBeInstanceOf(CampaignError);
    expect((error as Error).message).toContain(part);
    expect((error as Error).message).toContain('supporter.adress');
  });

  it('refuses an empty campaigns folder', () => {
    const { message } = loadError();
    expect(message).toContain(dir);
    expect(message).toContain('campaign.json');
  });

  it('refuses a campaigns folder that does not exist', () => {
    const missing = path.join(dir, 'no-such-folder');
    const { message } = loadError(missing);
    expect(message).toContain(missing);
    expect(message).toMatch(/does not exist/);
  });
});
