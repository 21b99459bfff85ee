// Campaigners write, preview and publish campaigns through the admin API, against a real database
// and Redis: versions are immutable, letters keep the words they were written with, every process
// serves a publish within seconds without a restart, and a bad definition is refused with where
// and what is wrong.
import path from 'node:path';
import request from 'supertest';
import { readCampaignFolder } from '../../src/adapters/campaigns/campaignLoader';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const TOKEN = 'admin-token-for-authoring-tests';
const auth = { Authorization: `Bearer ${TOKEN}` };
const SLUG = 'xinjiang-copy';
const SAMPLE = readCampaignFolder(path.join(__dirname, '..', '..', 'data', 'campaigns', 'xinjiang'));
const SAMPLE_TITLE = (SAMPLE.title as { en: string }).en;

/** The sample letter campaign under another slug, with what a test changes. */
const definition = (change: (d: Record<string, any>) => void = () => undefined): Record<string, unknown> => {
  const d = structuredClone(SAMPLE) as Record<string, any>;
  d.slug = SLUG;
  change(d);
  return d;
};

let service: TestService;
/** A second web process on the same database and Redis, started before anything is published. */
let other: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_TOKEN: TOKEN } });
  other = await startTestService({ workers: false, database: service.database, prefix: service.prefix, represent: service.represent, sendgrid: service.sendgrid, env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => {
  await other.close();
  await service.close();
});

const api = (app = service.app) => ({
  get: (url: string) => request(app).get(url).set(auth),
  post: (url: string, body?: object) => request(app).post(url).set(auth).send(body ?? {}),
  put: (url: string, body: object) => request(app).put(url).set(auth).send(body),
});

it('imports the sample folders as version 1 on a fresh database, and leaves them alone afterwards', async () => {
  const listed = await api().get('/api/admin/campaigns').expect(200);
  expect(listed.body.campaigns).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ slug: 'xinjiang', kind: 'letter', status: 'open', publishedVersion: 1, hasDraft: false }),
      expect.objectContaining({ slug: 'xinjiang-petition', kind: 'petition', publishedVersion: 1 }),
    ]),
  );
  // The second process started on the same database: still one version each.
  const { rows } = await service.deps.db.query<{ slug: string; n: number; by: string }>('SELECT slug, count(*)::int AS n, min(published_by) AS by FROM campaign_versions GROUP BY slug ORDER BY slug');
  expect(rows).toEqual([
    { slug: 'xinjiang', n: 1, by: 'import from CAMPAIGNS_DIR' },
    { slug: 'xinjiang-petition', n: 1, by: 'import from CAMPAIGNS_DIR' },
  ]);
});

it('creates, publishes, and keeps each letter’s words when a later version changes them, with no restart', async () => {
  await api().post('/api/admin/campaigns', definition()).expect(201, { slug: SLUG, draft: true });
  expect((await api().post('/api/admin/campaigns', definition()).expect(409)).body.error.code).toBe('slug_taken');
  expect((await api().post('/api/admin/campaigns', { ...definition(), slug: 'xinjiang' }).expect(409)).body.error.code).toBe('slug_taken');
  // A draft is not public.
  await request(service.app).get(`/api/campaigns/${SLUG}`).expect(404);

  expect((await api().post(`/api/admin/campaigns/${SLUG}/publish`).expect(200)).body).toEqual({ slug: SLUG, version: 1 });
  expect((await api().post(`/api/admin/campaigns/${SLUG}/publish`).expect(409)).body.error.code).toBe('nothing_to_publish');
  const first = await service.submitted(supporter(), SLUG);
  const firstSubjects = first.letters.map((l) => l.subject);
  expect(firstSubjects.every((s) => s && !s.startsWith('Version two'))).toBe(true);

  await api().put(`/api/admin/campaigns/${SLUG}/draft`, definition((d) => {
    d.subjects.en = ['Version two: {{campaign.title}}'];
    d.title.en = 'Version two of the copy';
  })).expect(200, { slug: SLUG, draft: true });
  expect((await api().post(`/api/admin/campaigns/${SLUG}/publish`).expect(200)).body.version).toBe(2);

  const second = await service.submitted(supporter(), SLUG);
  expect(second.letters.map((l) => l.subject)).toEqual(['Version two: Version two of the copy', 'Version two: Version two of the copy']);
  // The first action's letters keep the words they were written with.
  for (const [i, letter] of first.letters.entries()) expect((await service.letter(letter.id)).subject).toBe(firstSubjects[i]);
  const { rows } = await service.deps.db.query<{ campaign_version: number }>('SELECT campaign_version FROM actions WHERE id = ANY($1) ORDER BY created_at', [[first.id, second.id]]);
  expect(rows.map((r) => r.campaign_version)).toEqual([1, 2]);

  // The other process, which nobody told, serves version 2 within seconds.
  await eventually(
    async () => (await request(other.app).get(`/api/campaigns/${SLUG}`)).body.title,
    (title) => title === 'Version two of the copy',
    { timeoutMs: 10_000, what: 'the second process to serve version 2' },
  );

  const versions = (await api().get(`/api/admin/campaigns/${SLUG}/versions`).expect(200)).body.versions;
  expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  expect(versions[0]).toEqual({ version: 1, publishedAt: expect.any(String), publishedBy: expect.any(String) });
});

it('writes a letter whose MP was found after a publish from the version its supporter acted on', async () => {
  // Its own service: a fresh Represent cache, so the lookup at submission really fails.
  const fresh = await startTestService({ env: { ADMIN_TOKEN: TOKEN }, represent: service.represent, sendgrid: service.sendgrid });
  const slug = 'version-kept';
  const post = (url: string, body?: object) => request(fresh.app).post(url).set(auth).send(body ?? {});
  try {
    await post('/api/admin/campaigns', definition((d) => ((d.slug = slug), (d.subjects.en = ['First words from {{supporter.city}}'])))).expect(201);
    await post(`/api/admin/campaigns/${slug}/publish`).expect(200);
    fresh.represent.setMode('error500');
    const acted = await fresh.submitted(supporter({ city: 'Toronto' }), slug);
    const mpLetter = acted.letters.find((l) => l.subject === null)!;
    expect((await fresh.letter(mpLetter.id)).status).toBe('awaiting_lookup');

    await request(fresh.app).put(`/api/admin/campaigns/${slug}/draft`).set(auth).send(definition((d) => ((d.slug = slug), (d.subjects.en = ['Second words'])))).expect(200);
    expect((await post(`/api/admin/campaigns/${slug}/publish`).expect(200)).body.version).toBe(2);
    fresh.represent.setMode('ok');

    const written = await fresh.waitForLetter(mpLetter.id, ['queued', 'sending', 'accepted']);
    expect(written.subject).toBe('First words from Toronto');
    expect(written.recipient_name).toEqual(expect.any(String));
  } finally {
    fresh.represent.setMode('ok');
    await fresh.close();
  }
});

it('previews a draft exactly as it would be sent, for a sample supporter the campaigner can change', async () => {
  await api().put(`/api/admin/campaigns/${SLUG}/draft`, definition((d) => (d.subjects.fr = ['Aperçu : {{supporter.city}}']))).expect(200);
  const preview = await api().post(`/api/admin/campaigns/${SLUG}/preview`, { supporter: { firstName: 'Ana', lastName: 'Lima', locale: 'fr', city: 'Sainte-Christine', postalCode: 'G0A 1A0' } }).expect(200);
  const [mp, minister] = preview.body.letters;
  expect(mp).toMatchObject({ targetId: 'mp', recipient: { name: 'Joël Godin', district: 'Portneuf—Jacques-Cartier' }, subject: 'Aperçu : Sainte-Christine' });
  expect(mp.text).toContain('Ana Lima');
  expect(mp.html).toContain('<p>');
  expect(minister.targetId).toBe('minister');
  // A published version can be previewed too, and nothing was stored.
  const v1 = await api().post(`/api/admin/campaigns/${SLUG}/preview`, { version: 1 }).expect(200);
  expect(v1.body.letters[0].subject).not.toMatch(/^Version two|^Aperçu/);
  const { rows } = await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM supporters WHERE email LIKE 'mei.tursun@%'");
  expect(rows[0].n).toBe(0);
});

it.each([
  ['a template syntax error', (d: Record<string, any>) => (d.letters.mp.en = 'Dear {{recipient.name}},\n\n{{#if supporter.message}}\n{{supporter.message}}\n'), 'letters.mp.en', /line \d+: a block .* is not closed/],
  ['an unknown variable', (d: Record<string, any>) => (d.letters.minister.fr = 'Bonjour,\n\n{{supporter.nickname}}'), 'letters.minister.fr', /line 3, column 3: unknown variable \{\{supporter\.nickname\}\}/],
  ['a prototype access', (d: Record<string, any>) => (d.subjects.en = ['{{constructor.constructor}}']), 'subjects.en.0', /unknown variable \{\{constructor\.constructor\}\}/],
  ['a helper that reaches properties by a computed name', (d: Record<string, any>) => (d.subjects.en = ['{{lookup supporter "constructor"}}']), 'subjects.en.0', /lookup/],
  ['a helper that does not exist', (d: Record<string, any>) => (d.letters.mp.en = 'Dear {{shout recipient.name}}'), 'letters.mp.en', /shout/],
  ['a missing French title', (d: Record<string, any>) => delete d.title.fr, 'title.fr', /./],
  ['a bad fixed target email', (d: Record<string, any>) => (d.targets[1].email = 'minister-at-parl'), 'targets.1.email', /./],
  ['a missing letter', (d: Record<string, any>) => delete d.letters.minister, 'letters.minister.en', /missing/],
])('refuses %s with 400 validation_failed naming where and what', async (_what, change, field, problem) => {
  const res = await api().put(`/api/admin/campaigns/${SLUG}/draft`, definition(change)).expect(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.fields[field]).toMatch(problem);
});

it('shows the counter offset on the public page, never in the stats', async () => {
  await api().put(`/api/admin/campaigns/${SLUG}/draft`, definition((d) => (d.counterOffset = 785))).expect(200);
  await api().post(`/api/admin/campaigns/${SLUG}/publish`).expect(200);
  const stats = (await api().get(`/api/admin/campaigns/${SLUG}/stats`).expect(200)).body;
  await eventually(async () => (await request(service.app).get(`/api/campaigns/${SLUG}`)).body.counter.actions, (n) => n === 785 + stats.actions, {
    timeoutMs: 15_000, what: 'the public counter to include the offset',
  });
  expect(stats.actions).toBe(2);
});

it('copies a campaign to a new address as a draft, and rolls a campaign back to an earlier version', async () => {
  expect((await api().post(`/api/admin/campaigns/${SLUG}/copy`, { slug: 'xinjiang-copy-2' }).expect(201)).body).toEqual({ slug: 'xinjiang-copy-2', draft: true });
  expect((await api().post(`/api/admin/campaigns/${SLUG}/copy`, { slug: 'xinjiang' }).expect(409)).body.error.code).toBe('slug_taken');
  expect((await api().post(`/api/admin/campaigns/${SLUG}/copy`, { slug: 'Not A Slug' }).expect(400)).body.error.fields.slug).toBeDefined();
  const copies = (await api().get('/api/admin/campaigns').expect(200)).body.campaigns;
  expect(copies).toContainEqual(expect.objectContaining({ slug: 'xinjiang-copy-2', publishedVersion: null, hasDraft: true }));

  // A draft being edited survives the rollback.
  await api().put(`/api/admin/campaigns/${SLUG}/draft`, definition((d) => (d.title.en = 'Still being written'))).expect(200);
  const back = await api().post(`/api/admin/campaigns/${SLUG}/rollback`, { version: 1 }).expect(200);
  const versions = (await api().get(`/api/admin/campaigns/${SLUG}/versions`).expect(200)).body.versions;
  expect(back.body).toEqual({ slug: SLUG, version: versions.length });
  expect(versions.at(-1).publishedBy).toMatch(/back to version 1/);
  expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.title).toBe(SAMPLE_TITLE);
  expect((await api().get('/api/admin/campaigns').expect(200)).body.campaigns).toContainEqual(expect.objectContaining({ slug: SLUG, hasDraft: true }));
  expect((await api().post(`/api/admin/campaigns/${SLUG}/rollback`, { version: 99 }).expect(400)).body.error.fields.version).toBeDefined();
});

it('keeps an audit log: who published what changed, copied, rolled back, exported, paused and erased; never whose data', async () => {
  await api().get(`/api/admin/campaigns/${SLUG}/export.csv`).expect(200);
  await api().post(`/api/admin/campaigns/${SLUG}/status`, { status: 'paused' }).expect(200);
  await api().post(`/api/admin/campaigns/${SLUG}/status`, { status: 'open' }).expect(200);
  const email = (await service.deps.db.query<{ email: string }>('SELECT s.email FROM supporters s JOIN actions a ON a.supporter_id = s.id WHERE a.campaign_slug = $1 LIMIT 1', [SLUG])).rows[0].email;
  await request(service.app).delete(`/api/admin/supporters/${encodeURIComponent(email)}`).set(auth).expect(200);

  const { rows } = await service.deps.db.query<{ action: string; campaign_slug: string | null; detail: Record<string, unknown> }>('SELECT action, campaign_slug, detail FROM audit_log ORDER BY id');
  const actions = rows.map((r) => r.action);
  expect(actions).toEqual(expect.arrayContaining(['create', 'publish', 'copy', 'rollback', 'export', 'switch', 'erase']));
  const second = rows.find((r) => r.action === 'publish' && r.detail.version === 2)!;
  expect(second.detail.changes).toEqual(
    expect.arrayContaining([
      { path: 'title.en', before: SAMPLE_TITLE, after: 'Version two of the copy' },
      expect.objectContaining({ path: 'subjects.en.0', after: 'Version two: {{campaign.title}}' }),
    ]),
  );
  // The erasure is recorded, and nothing in the log says whose it was.
  expect(rows.find((r) => r.action === 'erase')).toEqual({ action: 'erase', campaign_slug: null, detail: {} });
  expect(JSON.stringify(rows)).not.toContain(email);
  await expect(service.deps.db.query("UPDATE audit_log SET actor = 'someone else'")).rejects.toThrow(/append-only/);
});

it('needs the admin token, and knows only campaigns that exist', async () => {
  await request(service.app).get('/api/admin/campaigns').expect(401);
  await request(service.app).post('/api/admin/campaigns').send(definition()).expect(401);
  expect((await api().post('/api/admin/campaigns/nowhere/publish').expect(404)).body.error.code).toBe('campaign_not_found');
});
