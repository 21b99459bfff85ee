// The campaigner API: only with the admin token; numbers that match the letters; a CSV that
// streams; retry through the normal path; erasure that leaves counts and nothing else.
import request from 'supertest';
import { startTestService, supporter, type Submitted, type TestService } from '../helpers/testService';
import { streamedDownload } from '../helpers/streamedDownload';
import { apiTokenOf } from '../helpers/campaigners';

const TOKEN = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(() => service.close());
beforeEach(() => service.sendgrid.reset());

const submit = (body: Record<string, unknown>) => service.submitted(body);
const ids = (res: Submitted): string[] => res.letters.map((l) => l.id);

describe('admin authentication', () => {
  const routes: Array<[string, string]> = [
    ['get', '/api/admin/campaigns/xinjiang/stats'],
    ['get', '/api/admin/campaigns/xinjiang/letters'],
    ['get', '/api/admin/campaigns/xinjiang/export.csv'],
    ['post', '/api/admin/campaigns/xinjiang/retry'],
    ['get', '/api/admin/letters/00000000-0000-4000-8000-000000000000'],
    ['post', '/api/admin/letters/00000000-0000-4000-8000-000000000000/retry'],
    ['delete', '/api/admin/supporters/someone@example.com'],
  ];

  it.each(routes)('%s %s refuses a missing or wrong token with 401', async (method, path) => {
    const call = (headers: Record<string, string>) => (request(service.app) as unknown as Record<string, (p: string) => request.Test>)[method](path).set(headers);
    const missing = await call({});
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    expect((await call({ Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call({ Authorization: `Basic ${TOKEN}` })).status).toBe(401);
  });

  it('answers 503 with how to switch it on when no ADMIN_TOKEN is set', async () => {
    const off = await startTestService({ workers: false, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const res = await request(off.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(503);
      expect(res.body.error.code).toBe('admin_not_configured');
      expect(res.body.error.message).toMatch(/ADMIN_TOKEN/);
      await request(off.app).get('/admin').expect(503);
    } finally {
      await off.close();
    }
  });
});

describe('stats and letters', () => {
  let fresh: TestService;
  beforeAll(async () => {
    fresh = await startTestService({ env: { ADMIN_TOKEN: TOKEN }, represent: service.represent, sendgrid: service.sendgrid });
  });
  afterAll(() => fresh.close());

  it('counts actions, letters by status, provinces, ridings, the last hour and days exactly', async () => {
    const post = (body: Record<string, unknown>) => fresh.submitted(body);
    const created = [
      await post(supporter({ postalCode: 'M5V 3L9' })),
      await post(supporter({ postalCode: 'M5V3L9' })),
      await post(supporter({ postalCode: 'G0A 1A0', locale: 'fr' })),
      await post(supporter({ postalCode: 'K0A 1K0', district: 'Carleton' })),
    ];
    await Promise.all(created.flatMap(ids).map((id) => fresh.waitForLetter(id, 'accepted')));

    const stats = await request(fresh.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(200);
    expect(stats.body.actions).toBe(4);
    expect(stats.body.lastHour).toBe(4);
    expect(stats.body.letters).toMatchObject({ accepted: 8, queued: 0, failed: 0, delivered: 0 });
    expect(stats.body.byProvince).toEqual({ ON: 3, QC: 1 });
    expect(stats.body.byDistrict).toEqual([
      { district: 'Spadina—Harbourfront', actions: 2 },
      { district: 'Carleton', actions: 1 },
      { district: 'Portneuf—Jacques-Cartier', actions: 1 },
    ]);
    expect(stats.body.perDay).toHaveLength(1);
    expect(stats.body.perDay[0].actions).toBe(4);

    // Filters and pages: 8 letters, 3 a page.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(fresh.app)
        .get('/api/admin/campaigns/xinjiang/letters')
        .query({ limit: 3, ...(cursor ? { cursor } : {}) })
        .set(auth)
        .expect(200);
      expect(page.body.letters.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.letters.map((l: { id: string }) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(created.flatMap(ids).sort());

    const toMinister = await request(fresh.app).get('/api/admin/campaigns/xinjiang/letters').query({ target: 'minister' }).set(auth).expect(200);
    expect(toMinister.body.letters).toHaveLength(4);
    const inSpadina = await request(fresh.app).get('/api/admin/campaigns/xinjiang/letters').query({ district: 'Spadina—Harbourfront' }).set(auth).expect(200);
    expect(inSpadina.body.letters.map((l: { recipient: { name: string } }) => l.recipient.name)).toEqual(['Chi Nguyen', 'Chi Nguyen']);
    const failed = await request(fresh.app).get('/api/admin/campaigns/xinjiang/letters').query({ status: 'failed' }).set(auth).expect(200);
    expect(failed.body).toEqual({ letters: [], nextCursor: null });
    const future = await request(fresh.app).get('/api/admin/campaigns/xinjiang/letters').query({ from: '2099-01-01' }).set(auth).expect(200);
    expect(future.body.letters).toEqual([]);

    const bad = await request(fresh.app).get('/api/admin/campaigns/xinjiang/letters').query({ status: 'lost', limit: '0', from: 'yesterday' }).set(auth).expect(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['from', 'limit', 'status']);
    await request(fresh.app).get('/api/admin/campaigns/nope/stats').set(auth).expect(404);
  });

  it('shows one letter’s whole history', async () => {
    const res = await fresh.submitted(supporter());
    const [id] = ids(res);
    await fresh.waitForLetter(id, 'accepted');
    const history = await request(fresh.app).get(`/api/admin/letters/${id}`).set(auth).expect(200);
    expect(history.body).toMatchObject({ id, campaign: 'xinjiang', status: 'accepted', recipient: { name: 'Chi Nguyen' } });
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sending', 'accepted']);
    expect(history.body.providerMessageId).toEqual(expect.any(String));
    await request(fresh.app).get('/api/admin/letters/not-an-id').set(auth).expect(404);
  });
});

describe('retry', () => {
  it('re-sends a failed letter exactly once, and refuses letters that did not fail', async () => {
    service.sendgrid.setDefault(400);
    const res = await submit(supporter());
    const [mpId, ministerId] = ids(res);
    await service.waitForLetter(mpId, 'failed');
    await service.waitForLetter(ministerId, 'failed');
    service.sendgrid.setDefault(202);

    const retried = await request(service.app).post(`/api/admin/letters/${mpId}/retry`).set({ Authorization: `Bearer ${await apiTokenOf(service, 'dana@example.org', 'editor')}` }).expect(202);
    expect(retried.body).toEqual({ id: mpId, status: 'queued' });
    await service.waitForLetter(mpId, 'accepted');
    // A second click while it is on its way (or once sent) is refused.
    const again = await request(service.app).post(`/api/admin/letters/${mpId}/retry`).set(auth).expect(409);
    expect(again.body.error.code).toBe('not_retryable');

    const all = await request(service.app).post('/api/admin/campaigns/xinjiang/retry').set(auth).expect(202);
    expect(all.body.retried).toBeGreaterThanOrEqual(1);
    await service.waitForLetter(ministerId, 'accepted');
    const sentFor = (id: string) =>
      service.sendgrid.accepted().filter((m) => (m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id) === id).length;
    expect(sentFor(mpId)).toBe(1);
    expect(sentFor(ministerId)).toBe(1);

    const history = await request(service.app).get(`/api/admin/letters/${mpId}`).set(auth).expect(200);
    expect(history.body.events.map((e: { type: string; reason: string | null }) => [e.type, e.reason])).toContainEqual(['queued', 'retried by dana@example.org']);
    await request(service.app).post('/api/admin/letters/00000000-0000-4000-8000-000000000000/retry').set(auth).expect(404);
  });
});

describe('erasure', () => {
  it('removes the supporter’s personal data from every table, keeps the counts, and logs only who and how much', async () => {
    const email = `erase.me.${Date.now()}@example.com`;
    const res = await submit(supporter({ email, firstName: 'Gulnar', lastName: 'Abdukerim', address: '9 Hidden Way', message: 'Please keep my words private later.' }));
    await Promise.all(ids(res).map((id) => service.waitForLetter(id, 'accepted')));
    const before = await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(200);

    const erased = await request(service.app).delete(`/api/admin/supporters/${encodeURIComponent(email.toUpperCase())}`).set({ Authorization: `Bearer ${await apiTokenOf(service, 'privacy@example.org', 'owner')}` }).expect(200);
    expect(erased.body).toMatchObject({ erased: true, rows: { supporters: 1, actions: 1, consents: 2, letters: 2 } });

    const { rows: tables } = await service.deps.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(tables.length).toBeGreaterThanOrEqual(7);
    for (const { table_name } of tables) {
      for (const secret of [email, 'Gulnar', 'Abdukerim', '9 Hidden Way', 'keep my words private']) {
        const { rows } = await service.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE t::text ILIKE $1`, [`%${secret}%`]);
        expect({ table: table_name, secret, rows: rows[0].n }).toEqual({ table: table_name, secret, rows: 0 });
      }
    }
    const after = await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(200);
    expect(after.body.actions).toBe(before.body.actions);
    expect(after.body.letters).toEqual(before.body.letters);
    expect(after.body.byProvince).toEqual(before.body.byProvince);

    const { rows: log } = await service.deps.db.query<{ by: string; row_counts: Record<string, number> }>('SELECT by, row_counts FROM erasures');
    expect(log).toEqual([{ by: 'privacy@example.org', row_counts: { supporters: 1, actions: 1, consents: 2, letters: 2, letters_stopped: 0 } }]);
    // The status link no longer opens anything.
    await request(service.app).get(`/api/actions/${res.id}`).query({ token: res.token }).expect(404);
    await request(service.app).delete(`/api/admin/supporters/${encodeURIComponent(email)}`).set(auth).expect(404);
  });
});

describe('CSV export', () => {
  it('streams 100,000 letters with flat memory, one row each after a header, formulas defused', async () => {
    const res = await submit(supporter({ firstName: '=HYPERLINK("http://evil")', lastName: '+Tursun' }));
    const { rows } = await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM letters WHERE campaign_slug = $1', ['xinjiang']);
    const extra = 100_000;
    await service.deps.db.query(
      `INSERT INTO letters (id, action_id, campaign_slug, target_id, position, locale, recipient_name, recipient_role, recipient_email,
         district, subject, status, created_at)
       SELECT gen_random_uuid(), $1, 'xinjiang', 'minister', 1, 'en', 'Anita Anand', 'Minister of Foreign Affairs', 'anita.anand@parl.gc.ca',
              NULL, CASE WHEN g % 1000 = 0 THEN '-2+3' ELSE 'Canada must support an independent investigation in Xinjiang' END,
              'accepted', now() - (g || ' seconds')::interval
         FROM generate_series(1, $2::int) AS g`,
      [res.id, extra],
    );

    let defusedFormulas = 0;
    const got = await streamedDownload(service.app, '/api/admin/campaigns/xinjiang/export.csv', auth, (line) => {
      if (line.includes(",'-2+3,")) defusedFormulas += 1;
    });
    expect(got.status).toBe(200);
    expect(got.contentType).toMatch(/text\/csv/);
    const { lines, head, bytes } = got;

    expect(lines).toBe(1 + rows[0].n + extra);
    expect(head.replace(/^\uFEFF/, '').split('\n')[0]).toMatch(/^letter_id,created_at,target,recipient_name/);
    expect(head).toContain(`'=HYPERLINK(""http://evil"")`);
    expect(head).toContain("'+Tursun");
    expect(defusedFormulas).toBe(extra / 1000);
    // Loaded whole, 100,000 rows would keep the export (tens of MB, more as objects) alive at once.
    expect(bytes).toBeGreaterThan(20_000_000);
    expect(got.heapGrowth).toBeLessThan(bytes / 4);
  }, 120_000);
});
