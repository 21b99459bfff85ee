// Campaigners open, pause and close a campaign (API and dashboard). A pause holds the letters
// already queued and refuses new actions; opening releases them; closing refuses new actions but
// still sends what was queued. A paced campaign shows each queued letter's planned time. Real
// PostgreSQL, Redis and BullMQ workers; only Represent and SendGrid are fakes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { deliveryJobId } from '../../src/adapters/queues';
import { torontoTime } from '../../src/http/pages/adminLayout';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import { apiTokenOf, signIn } from '../helpers/campaigners';

const TOKEN = 'lifecycle-admin-token-0123456789';
/** Dana's own API token (set before the tests): what she does is recorded under her address. */
const auth = { Authorization: '' };
/** The operator's admin token (scripts). */
const adminAuth = { Authorization: `Bearer ${TOKEN}` };
const SLUG = 'xinjiang';

let service: TestService;
let session: { cookie: string; csrf: string };

const DANA = 'dana@example.org';
/** Dana, an owner, signed in to the dashboard through an emailed link. */
const signInDana = (s: TestService) => signIn(s, DANA);

const dashboardPage = async (slug = SLUG) => (await request(service.app).get(`/admin?campaign=${slug}`).set('Cookie', session.cookie).expect(200)).text;
/** The page's text without tags, spaces collapsed: what a campaigner reads. */
const readable = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/ ([).,])/g, '$1');
const switchTo = (status: unknown, slug = SLUG) => request(service.app).post(`/api/admin/campaigns/${slug}/status`).set(auth).send({ status });
const submit = () => request(service.app).post(`/api/campaigns/${SLUG}/actions`).send(supporter());
/** Submits one supporter's action (202) and answers its stored letters' ids. */
const submitted = async (s: TestService = service): Promise<string[]> => (await s.submitted(supporter(), SLUG)).letters.map((l) => l.id);
const queuedIds = async (slug = SLUG) =>
  (await service.deps.db.query<{ id: string }>("SELECT id FROM letters WHERE campaign_slug = $1 AND status = 'queued' ORDER BY id", [slug])).rows.map((r) => r.id);
const sentTo = (ids: string[]) =>
  service.sendgrid.accepted().filter((m) => ids.includes(m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id ?? ''));
async function stopWorkers() {
  await service.workers?.close();
  service.workers = null;
}

beforeAll(async () => {
  // Workers start later, in the tests that need letters to stay queued first.
  service = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN } });
  session = await signInDana(service);
  auth.Authorization = `Bearer ${await apiTokenOf(service, DANA, 'owner')}`;
});
afterAll(() => service.close());
beforeEach(() => service.sendgrid.reset());

describe('POST /api/admin/campaigns/:slug/status', () => {
  it('needs the admin token (401)', async () => {
    const missing = await request(service.app).post(`/api/admin/campaigns/${SLUG}/status`).send({ status: 'paused' }).expect(401);
    expect(missing.body.error.code).toBe('unauthorized');
    await request(service.app).post(`/api/admin/campaigns/${SLUG}/status`).set('Authorization', 'Bearer wrong').send({ status: 'paused' }).expect(401);
    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('open');
  });

  it('refuses anything but open, paused or closed (400) and unknown campaigns (404)', async () => {
    for (const body of [{ status: 'sleeping' }, { status: 'OPEN' }, { status: ['paused'] }, { status: null }, {}]) {
      const res = await request(service.app).post(`/api/admin/campaigns/${SLUG}/status`).set(auth).send(body).expect(400);
      // `invalid`, worded by the HTTP layer as every field problem is.
      expect(res.body).toEqual({ error: { code: 'validation_failed', message: expect.any(String), fields: { status: 'This value is not valid.' } } });
    }
    const form = await request(service.app).post(`/api/admin/campaigns/${SLUG}/status`).set(auth).type('form').send({ status: 'paused' }).expect(400);
    expect(form.body.error.fields).toEqual({ status: 'This value is not valid.' });
    const broken = await request(service.app).post(`/api/admin/campaigns/${SLUG}/status`).set(auth).type('json').send('{"status":').expect(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const unknown = await request(service.app).post('/api/admin/campaigns/nope/status').set(auth).send({ status: 'paused' }).expect(404);
    expect(unknown.body.error.code).toBe('campaign_not_found');
    // Nothing was recorded.
    const { rows } = await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM campaign_switches');
    expect(rows[0].n).toBe(0);
  });

  it('pauses (new actions refused, 409), then opens again (202), recording who did it', async () => {
    const paused = await switchTo('paused').expect(200);
    expect(paused.body).toEqual({ slug: SLUG, status: 'paused', cause: 'switch', since: expect.any(String), released: 0 });
    // Since this switch, as the database recorded it.
    const { rows: [recorded] } = await service.deps.db.query<{ at: Date }>('SELECT at FROM campaign_switches WHERE campaign_slug = $1 ORDER BY id DESC LIMIT 1', [SLUG]);
    expect(paused.body.since).toBe(recorded.at.toISOString());
    expect(paused.headers['cache-control']).toBe('no-store');

    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('paused');
    const refused = await submit().expect(409);
    expect(refused.body.error.code).toBe('campaign_closed');

    const stats = await request(service.app).get(`/api/admin/campaigns/${SLUG}/stats`).set(auth).expect(200);
    expect(stats.body).toMatchObject({ status: 'paused', kind: 'letter', goal: 2000, confirmedActions: 0, unconfirmedActions: 0, actions: 0 });

    const opened = await switchTo('open').expect(200);
    expect(opened.body).toMatchObject({ slug: SLUG, status: 'open', cause: 'switch', released: 0 });
    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('open');
    await submit().expect(202);

    const after = await request(service.app).get(`/api/admin/campaigns/${SLUG}/stats`).set(auth).expect(200);
    // Every existing field is still there, with the new ones beside them.
    expect(Object.keys(after.body).sort()).toEqual(
      ['actions', 'alerts', 'byDistrict', 'byLevelDistrict', 'byProvince', 'bySource', 'byTarget', 'confirmedActions', 'fromShares', 'goal', 'kind', 'lastHour', 'letters', 'perDay', 'status', 'unconfirmedActions'].sort(),
    );
    expect(after.body).toMatchObject({ status: 'open', actions: 1, lastHour: 1, confirmedActions: 1, unconfirmedActions: 0, letters: { queued: 2 } });

    const { rows } = await service.deps.db.query<{ status: string; by: string }>('SELECT status, by FROM campaign_switches ORDER BY id');
    expect(rows).toEqual([
      { status: 'paused', by: DANA },
      { status: 'open', by: DANA },
    ]);
  });
});

describe('the dashboard’s switch', () => {
  const post = (fields: Record<string, string>, cookie = session.cookie) =>
    request(service.app).post(`/admin/campaigns/${SLUG}/status`).set('Cookie', cookie).type('form').send(fields);

  it('shows the status with its cause, and only the buttons that change something', async () => {
    const page = await dashboardPage();
    const text = readable(page);
    expect(text).toMatch(/Status Open — switched by dana@example.org, since \w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2} \(Toronto time\)/);
    expect(text).toContain('Progress 1 confirmed action of the goal of 2000 (0%)');
    expect(page).toContain('<progress id="goal-progress" max="2000" value="1">');
    // xinjiang does not ask supporters to confirm, keeps data until erased by hand, and is not paced.
    expect(text).not.toContain('Awaiting confirmation');
    expect(text).toContain('Personal data is kept until you erase it.');
    expect(text).not.toContain('Pacing');
    expect(page).not.toContain('Delivery bundle');
    expect(page).toContain('name="status" value="paused"');
    expect(page).toContain('name="status" value="closed"');
    expect(page).toContain('Close campaign (stops new actions)');
    expect(page).not.toContain('name="status" value="open"');
  });

  it('refuses the form without the session’s CSRF token (403), and without a session', async () => {
    await post({ status: 'paused' }).expect(403);
    await post({ status: 'paused', csrf: 'forged' }).expect(403);
    const anonymous = await post({ status: 'paused', csrf: session.csrf }, '').expect(303);
    expect(anonymous.headers.location).toMatch(/^\/admin\/login/);
    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('open');
    await post({ status: 'asleep', csrf: session.csrf }).expect(400);
  });

  it('pauses and opens with the CSRF token, and says what happened to the letters', async () => {
    const queued = (await queuedIds()).length;
    expect(queued).toBe(2);
    const paused = await post({ status: 'paused', csrf: session.csrf }).expect(303);
    // The notice comes from a code and a count: the address cannot make the dashboard say anything else.
    expect(paused.headers.location).toBe(`/admin?campaign=${SLUG}&done=paused&n=2`);
    const page = (await request(service.app).get(paused.headers.location).set('Cookie', session.cookie).expect(200)).text;
    expect(readable(page)).toContain('Paused: 2 queued letters are held.');
    expect(readable(page)).toMatch(/Status Paused — switched by dana@example.org, since /);
    expect(readable(page)).toContain('2 queued letters are held until the campaign is opened again.');
    expect(page).toContain('name="status" value="open"');
    expect(page).not.toContain('name="status" value="paused"');
    // The held letters are listed.
    expect(page).toContain('<table class="queued">');
    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('paused');
    await submit().expect(409);

    const opened = await post({ status: 'open', csrf: session.csrf }).expect(303);
    // No worker has run: their jobs still wait in the queue, so there was nothing to release.
    expect(opened.headers.location).toBe(`/admin?campaign=${SLUG}&done=opened&n=0`);
    const openedPage = (await request(service.app).get(opened.headers.location).set('Cookie', session.cookie).expect(200)).text;
    expect(readable(openedPage)).toContain('Opened: 0 held letters released.');
    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('open');
  });
});

describe('holding and releasing letters', () => {
  it('a pause holds queued letters at the worker; opening sends every one, once', async () => {
    // Three supporters act while the campaign is open and no worker runs: six letters queued.
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push(...(await submitted()));
    expect(created).toHaveLength(6);
    const held = await queuedIds();
    expect(held).toEqual(expect.arrayContaining(created));

    await switchTo('paused').expect(200);
    await service.startWorkers();

    // The worker takes every job and completes it without sending: outcome `held`.
    await eventually(
      async () =>
        Promise.all(
          held.map(async (id) => {
            const job = await service.deps.queues.letters.getJob(deliveryJobId(id));
            return { state: await job?.getState(), outcome: (job?.returnvalue as { kind?: string } | undefined)?.kind };
          }),
        ),
      (jobs) => jobs.every((j) => j.state === 'completed' && j.outcome === 'held'),
      { what: 'every queued letter’s job to be completed as held' },
    );
    expect(service.sendgrid.accepted()).toEqual([]);
    for (const id of held) expect((await service.letter(id)).status).toBe('queued');
    const metrics = await service.deps.metrics.deliveries.get();
    expect(metrics.values.find((v) => v.labels.outcome === 'held')?.value).toBeGreaterThanOrEqual(held.length);
    expect(readable(await dashboardPage())).toContain(`${held.length} queued letters are held until the campaign is opened again.`);

    // Opened with the worker stopped, so nothing but the switch can queue them: each one is released.
    await stopWorkers();
    const opened = await switchTo('open').expect(200);
    expect(opened.body).toMatchObject({ status: 'open', released: held.length });
    await service.startWorkers();
    await Promise.all(held.map((id) => service.waitForLetter(id, 'accepted')));
    const sent = sentTo(held);
    expect(sent).toHaveLength(held.length);
    expect(new Set(sent.map((m) => m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id)).size).toBe(held.length);
  });

  it('a closed campaign refuses new actions, but its queued letters are still sent', async () => {
    await stopWorkers();
    const ids = await submitted();
    const closed = await switchTo('closed').expect(200);
    expect(closed.body).toMatchObject({ slug: SLUG, status: 'closed', cause: 'switch' });
    const refused = await submit().expect(409);
    expect(refused.body.error.code).toBe('campaign_closed');
    expect((await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200)).body.status).toBe('closed');
    expect((await request(service.app).get(`/api/admin/campaigns/${SLUG}/stats`).set(auth).expect(200)).body.status).toBe('closed');

    await service.startWorkers();
    await Promise.all(ids.map((id) => service.waitForLetter(id, 'accepted')));
    expect(sentTo(ids)).toHaveLength(2);

    const page = readable(await dashboardPage());
    expect(page).toMatch(/Status Closed — switched by dana@example.org, since /);
    await switchTo('open').expect(200);
    await submit().expect(202);
  });
});

describe('a petition on the dashboard', () => {
  const PETITION = 'xinjiang-petition';

  it('shows confirmations, retention with its scrub date once closed, and serves the same bundle as the API', async () => {
    // One confirmed signature, one waiting for its supporter's confirmation.
    for (const [id, confirmed] of [
      ['00000000-0000-4000-8000-000000000101', true],
      ['00000000-0000-4000-8000-000000000102', false],
    ] as const) {
      const supporterId = id.replace(/^00000000/, '11111111');
      await service.deps.db.query(
        `INSERT INTO supporters (id, email, email_key, first_name, last_name, city, province, postal_code)
         VALUES ($1, $2, $2, 'Mei', 'Tursun', 'Toronto', 'ON', 'M5V 3L9')`,
        [supporterId, `signer.${id.slice(-3)}@example.com`],
      );
      await service.deps.db.query(
        `INSERT INTO actions (id, campaign_slug, supporter_id, token, locale, postal_code, province, district, confirmed_at)
         VALUES ($1, $2, $3, 'secret-token', 'en', 'M5V 3L9', 'ON', 'Spadina—Harbourfront', $4)`,
        [id, PETITION, supporterId, confirmed ? new Date() : null],
      );
    }
    const stats = await request(service.app).get(`/api/admin/campaigns/${PETITION}/stats`).set(auth).expect(200);
    expect(stats.body).toMatchObject({ status: 'open', kind: 'petition', goal: 10000, actions: 2, confirmedActions: 1, unconfirmedActions: 1 });

    let page = await dashboardPage(PETITION);
    let text = readable(page);
    expect(text).toContain('Progress 1 confirmed action of the goal of 10000 (0%)');
    expect(text).toContain('Awaiting confirmation 1 action not yet confirmed by the supporter');
    expect(text).toContain('Personal data is kept 365 days after the campaign closes.');
    expect(text).not.toContain('scrub due');
    expect(page).toContain(`href="/admin/campaigns/${PETITION}/bundle">Delivery bundle (printable)</a>`);
    expect(page).toContain(`href="/admin/campaigns/${PETITION}/signers.csv">Signers (CSV)</a>`);
    expect(page).toContain(`href="/admin/campaigns/${PETITION}/totals.csv">Totals (CSV)</a>`);

    const closed = await switchTo('closed', PETITION).expect(200);
    const due = new Date(new Date(closed.body.since).getTime() + 365 * 24 * 3600_000);
    const dueText = new Intl.DateTimeFormat('en-CA', { dateStyle: 'long', timeZone: 'America/Toronto' }).format(due);
    page = await dashboardPage(PETITION);
    text = readable(page);
    expect(text).toContain(`Personal data is kept 365 days after the campaign closes (scrub due on ${dueText}).`);
    expect(page).toContain(`<time datetime="${due.toISOString()}">`);

    // The dashboard's downloads are the API's bundle, behind the dashboard's session.
    const csv = await request(service.app).get(`/admin/campaigns/${PETITION}/signers.csv`).set('Cookie', session.cookie).expect(200);
    const apiCsv = await request(service.app).get(`/api/admin/campaigns/${PETITION}/bundle`).query({ format: 'csv' }).set(auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toBe(apiCsv.text);
    expect(csv.headers['content-disposition']).toBe(apiCsv.headers['content-disposition']);
    const totals = await request(service.app).get(`/admin/campaigns/${PETITION}/totals.csv`).set('Cookie', session.cookie).expect(200);
    const apiTotals = await request(service.app).get(`/api/admin/campaigns/${PETITION}/bundle`).query({ format: 'totals.csv' }).set(auth).expect(200);
    expect(totals.text).toBe(apiTotals.text);
    const printable = await request(service.app).get(`/admin/campaigns/${PETITION}/bundle`).set('Cookie', session.cookie).expect(200);
    const apiPrintable = await request(service.app).get(`/api/admin/campaigns/${PETITION}/bundle`).set(auth).expect(200);
    expect(printable.headers['content-type']).toMatch(/text\/html/);
    expect(printable.text).toBe(apiPrintable.text);

    const anonymous = await request(service.app).get(`/admin/campaigns/${PETITION}/bundle`).expect(303);
    expect(anonymous.headers.location).toMatch(/^\/admin\/login/);
    // A letter campaign has no bundle: a page that says so.
    const notPetition = await request(service.app).get(`/admin/campaigns/${SLUG}/bundle`).set('Cookie', session.cookie).expect(409);
    expect(notPetition.headers['content-type']).toMatch(/text\/html/);
    await switchTo('open', PETITION).expect(200);
  });
});

describe('a paced campaign', () => {
  let dir: string;
  let paced: TestService;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-paced-'));
    fs.cpSync(path.join(__dirname, '../../data/campaigns/xinjiang'), path.join(dir, SLUG), { recursive: true });
    const file = path.join(dir, SLUG, 'campaign.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), pacing: { perTargetPerHour: 1, officeHours: null } }));
    paced = await startTestService({ env: { ADMIN_TOKEN: TOKEN, CAMPAIGNS_DIR: dir }, represent: service.represent, sendgrid: service.sendgrid });
  });
  afterAll(async () => {
    await paced?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('formats planned times in Toronto time', () => {
    expect(torontoTime(new Date('2025-11-24T14:06:00Z'))).toBe('Mon 24 Nov 09:06');
    expect(torontoTime(new Date('2025-07-01T03:59:00Z'))).toBe('Mon 30 Jun 23:59');
  });

  it('shows each queued letter’s planned time on the dashboard, and plannedAt in the letters API', async () => {
    // Two supporters in the same riding: the first letter to each target goes now, the second an hour later.
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push(...(await submitted(paced)));
    const letters = await eventually(
      async () =>
        (
          await paced.deps.db.query<{ id: string; status: string; planned_at: Date | null; target_id: string }>(
            'SELECT id, status, planned_at, target_id FROM letters WHERE id = ANY($1) ORDER BY id',
            [ids],
          )
        ).rows,
      (rows) => rows.filter((r) => r.status === 'accepted').length === 2 && rows.filter((r) => r.status === 'queued' && r.planned_at).length === 2,
      { what: 'one letter to each target sent and one planned for later' },
    );
    const waiting = letters.filter((r) => r.status === 'queued');
    expect(waiting.map((r) => r.target_id).sort()).toEqual(['minister', 'mp']);
    for (const w of waiting) expect(w.planned_at!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);

    const api = await request(paced.app).get(`/api/admin/campaigns/${SLUG}/letters`).set(adminAuth).expect(200);
    expect(api.body.letters).toHaveLength(4);
    for (const letter of api.body.letters as Array<{ id: string; status: string; plannedAt: string | null }>) {
      const row = letters.find((r) => r.id === letter.id)!;
      expect(letter.plannedAt).toBe(row.planned_at ? row.planned_at.toISOString() : null);
    }
    const history = await request(paced.app).get(`/api/admin/letters/${waiting[0].id}`).set(adminAuth).expect(200);
    expect(history.body.plannedAt).toBe(waiting[0].planned_at!.toISOString());

    const { cookie } = await signInDana(paced);
    const page = (await request(paced.app).get(`/admin?campaign=${SLUG}`).set('Cookie', cookie).expect(200)).text;
    const text = readable(page);
    expect(text).toContain('Pacing At most 1 letter an hour to each MP or minister. Any time of day.');
    expect(page).toContain('<th scope="col">Planned</th>');
    for (const w of waiting) {
      const shown = torontoTime(w.planned_at!);
      expect(shown).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}$/);
      expect(page).toContain(`<time datetime="${w.planned_at!.toISOString()}">${shown}</time>`);
      expect(page).toContain(`href="/admin/letters/${w.id}"`);
    }
  });
});
