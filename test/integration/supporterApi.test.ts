// The supporter API of API.md, route by route, through HTTP on the real stack.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

let service: TestService;
const METRICS_TOKEN = 'supporter-api-metrics-token';

beforeAll(async () => {
  service = await startTestService({ workers: false, env: { METRICS_TOKEN } });
});
afterAll(() => service.close());
beforeEach(() => service.represent.reset());

const submit = (body: unknown) => request(service.app).post('/api/campaigns/xinjiang/actions').send(body as object);

describe('GET /api/campaigns/:slug', () => {
  it('describes the campaign with its targets and a live counter', async () => {
    const before = await request(service.app).get('/api/campaigns/xinjiang').expect(200);
    expect(before.body).toMatchObject({
      slug: 'xinjiang',
      status: 'open',
      locales: ['en', 'fr'],
      targets: [{ kind: 'mp' }, { kind: 'fixed', name: 'Anita Anand', role: 'Minister of Foreign Affairs' }],
      counter: { goal: 2000 },
    });
    await submit(supporter()).expect(202);
    // The counter is cached for 10 s per process (a viral page must not count rows per view).
    service.deps.counter.forget('xinjiang');
    const after = await request(service.app).get('/api/campaigns/xinjiang').query({ lang: 'fr' }).expect(200);
    expect(after.body.counter.actions).toBe(before.body.counter.actions + 1);
    expect(after.body.targets[1].role).toBe('ministre des Affaires étrangères');
    expect(after.body.title).not.toBe(before.body.title);
  });

  it('answers 404 campaign_not_found for an unknown campaign', async () => {
    const res = await request(service.app).get('/api/campaigns/nope').expect(404);
    expect(res.body.error.code).toBe('campaign_not_found');
  });
});

describe('GET /api/campaigns/:slug/representatives', () => {
  const lookup = (postalCode: string) => request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode });

  it.each(['M5V 3L9', 'm5v3l9', 'M5V-3L9', ' m5v 3l9 '])('normalises %p and finds the one MP', async (code) => {
    const res = await lookup(code).expect(200);
    expect(res.body).toEqual({
      postalCode: 'M5V 3L9',
      ambiguous: false,
      representatives: [
        {
          name: 'Chi Nguyen',
          district: 'Spadina—Harbourfront',
          party: 'Liberal',
          email: 'chi.nguyen@parl.gc.ca',
          photoUrl: expect.stringContaining('NguyenChi'),
          province: 'ON',
          url: expect.stringContaining('ourcommons.ca'),
        },
      ],
    });
  });

  it('keeps only the current MP when the answer mixes levels of government and representation orders', async () => {
    const res = await lookup('G0A1A0').expect(200);
    expect(res.body.representatives.map((r: { name: string }) => r.name)).toEqual(['Joël Godin']);
  });

  it.each(['K1A 0D6', 'W1A 1A1', 'Z1A 1A1', '12345', 'M5V 3L', ''])('refuses %p with 400 invalid_postal_code', async (code) => {
    const res = await lookup(code).expect(400);
    expect(res.body.error.code).toBe('invalid_postal_code');
  });

  it('answers 404 postal_code_not_found for a well-formed code Represent does not know', async () => {
    const res = await lookup('A1A 1A1').expect(404);
    expect(res.body.error.code).toBe('postal_code_not_found');
    await lookup('A1A 1A1').expect(404);
    expect(service.represent.count('/postcodes/A1A1A1/')).toBe(1);
  });

  it('asks Represent once per postal code: answers are cached and identical lookups in flight share one request', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => lookup('K0A 1K0')));
    expect(answers.every((r) => r.status === 200 && r.body.ambiguous === true)).toBe(true);
    await lookup('k0a1k0').expect(200);
    expect(service.represent.count('/postcodes/K0A1K0/')).toBe(1);
  });
});

describe('POST /api/campaigns/:slug/actions: bad input gets a clear 4xx', () => {
  it('lists every missing or bad field', async () => {
    const res = await submit({ firstName: '', email: 'not-an-email', postalCode: 'M5V 3L9', message: 'x'.repeat(2001) }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    // All at once, the campaign's own requirements (address, city) included.
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['address', 'city', 'email', 'firstName', 'lastName', 'message']);
  });

  it('asks for the street address and city, which MP offices need', async () => {
    const res = await submit(supporter({ address: '', city: '   ' })).expect(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['address', 'city']);
    expect(res.body.error.fields.address).toMatch(/street address/);
  });

  it('words errors in the supporter’s language', async () => {
    const res = await submit(supporter({ address: '', locale: 'fr' })).expect(400);
    expect(res.body.error.message).toBe('Certains champs sont à corriger.');
    expect(res.body.error.fields.address).toMatch(/^Entrez votre adresse/);
    const lookup = await request(service.app)
      .get('/api/campaigns/xinjiang/representatives')
      .query({ postalCode: 'nope' })
      .set('Accept-Language', 'fr-CA,fr;q=0.9')
      .expect(400);
    expect(lookup.body.error.message).toMatch(/code postal canadien/);
  });

  it('lists every problem at once, the postal code included', async () => {
    const res = await submit({ ...supporter(), postalCode: '12345', email: 'nope' }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields).toMatchObject({ postalCode: expect.any(String), email: expect.any(String) });
  });

  it('refuses an impossible postal code with 400 invalid_postal_code', async () => {
    const res = await submit(supporter({ postalCode: 'D1A 1A1' })).expect(400);
    expect(res.body.error.code).toBe('invalid_postal_code');
  });

  it('refuses an unknown postal code with 404 postal_code_not_found', async () => {
    const res = await submit(supporter({ postalCode: 'A1A 1A1' })).expect(404);
    expect(res.body.error.code).toBe('postal_code_not_found');
  });

  it('accepts the no-JavaScript form encoding', async () => {
    const form = new URLSearchParams({
      firstName: 'Aziz', lastName: 'Kerim', email: `aziz.${Date.now()}@example.com`, postalCode: 'M5V3L9',
      address: '1 Spadina Ave', city: 'Toronto', message: '', 'consent[updates]': 'on', locale: 'fr',
    });
    await request(service.app).post('/api/campaigns/xinjiang/actions').type('form').send(form.toString()).expect(202);
    const action = await service.actionOf(form.get('email')!);
    const { rows } = await service.deps.db.query<{ purpose: string; granted: boolean; wording: string; locale: string }>(
      'SELECT purpose, granted, wording, locale FROM consents WHERE action_id = $1 ORDER BY purpose',
      [action.id],
    );
    expect(rows.map((r) => [r.purpose, r.granted, r.locale])).toEqual([['send_letter', true, 'fr'], ['updates', true, 'fr']]);
    expect(rows[1].wording).toMatch(/courriel|nouvelles|consentement/i);
  });

  it('records an unticked updates box as no consent, with the words that were shown', async () => {
    const body = supporter({ consent: undefined });
    await submit(body).set('Referer', 'https://act.example.org/campaigns/xinjiang').expect(202);
    const { rows } = await service.deps.db.query<{ granted: boolean; page_url: string; wording_sha256: string }>(
      "SELECT granted, page_url, wording_sha256 FROM consents WHERE action_id = $1 AND purpose = 'updates'",
      [(await service.actionOf(body.email as string)).id],
    );
    expect(rows[0]).toMatchObject({ granted: false, page_url: 'https://act.example.org/campaigns/xinjiang' });
    expect(rows[0].wording_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 415 for another content type, 413 over 16 KB and 400 for broken JSON', async () => {
    const plain = await request(service.app).post('/api/campaigns/xinjiang/actions').set('Content-Type', 'text/plain').send('hello').expect(415);
    expect(plain.body.error.code).toBe('unsupported_media_type');
    const big = await submit(supporter({ message: 'x'.repeat(17 * 1024) })).expect(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const broken = await request(service.app).post('/api/campaigns/xinjiang/actions').set('Content-Type', 'application/json').send('{"firstName":').expect(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });

  it('reads the media type as HTTP does (any case, with parameters), and nothing that only starts like JSON', async () => {
    const post = (type: string, body: string) => request(service.app).post('/api/campaigns/xinjiang/actions').set('Content-Type', type).send(body);
    const json = JSON.stringify(supporter());
    const upper = await post('Application/JSON; charset=UTF-8', json).expect(202);
    expect(upper.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(upper.headers['content-length'])).toBe(Buffer.byteLength(upper.text));
    expect(upper.headers.etag).toBeUndefined(); // nobody revalidates the answer to a POST
    const form = new URLSearchParams(Object.entries(supporter()).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();
    await post(' application/x-www-form-urlencoded ; charset=utf-8', form).expect(202);
    for (const type of ['application/jsonx', 'application/json-patch+json', 'text/json']) {
      const refused = await post(type, json).expect(415);
      expect(refused.body.error.code).toBe('unsupported_media_type');
    }
  });

  it('answers 404 campaign_not_found for an unknown campaign, and JSON 404 for unknown routes', async () => {
    const res = await request(service.app).post('/api/campaigns/nope/actions').send(supporter()).expect(404);
    expect(res.body.error.code).toBe('campaign_not_found');
    const route = await request(service.app).get('/api/nothing/here').expect(404);
    expect(route.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('never counts refused posts against the email they carry (the allowance counts actions taken)', async () => {
    const person = supporter({ postalCode: 'not a code' });
    for (let i = 0; i < 11; i += 1) await submit(person).expect(400);
    await submit({ ...person, postalCode: 'M5V 3L9' }).expect(202);
  });
});

describe('the per-IP limit', () => {
  it('answers 429 once one connection has sent its share for the minute', async () => {
    const strict = await startTestService({ workers: false, env: { SUBMIT_RATE_PER_IP_PER_MIN: '3' }, represent: service.represent, sendgrid: service.sendgrid });
    try {
      for (let i = 0; i < 3; i += 1) await request(strict.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(202);
      const res = await request(strict.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });
});

describe('GET /api/actions/:id', () => {
  it('shows the action to the holder of the token, and the same 404 to everyone else', async () => {
    const { action: created } = await service.submit(supporter());
    const ok = await request(service.app).get(`/api/actions/${created.id}`).query({ token: created.token }).expect(200);
    expect(ok.body).toMatchObject({ id: created.id, campaign: 'xinjiang' });
    expect(ok.body.letters[0]).toEqual(
      expect.objectContaining({ id: created.letterIds[0], status: 'queued', subject: expect.any(String), updatedAt: expect.any(String) }),
    );
    expect(ok.body.letters[0].events[0]).toEqual({ type: 'queued', at: expect.any(String) });

    const wrongToken = await request(service.app).get(`/api/actions/${created.id}`).query({ token: 'guess' }).expect(404);
    const wrongId = await request(service.app).get('/api/actions/00000000-0000-4000-8000-000000000000').query({ token: created.token }).expect(404);
    const noToken = await request(service.app).get(`/api/actions/${created.id}`).expect(404);
    expect(wrongToken.body).toEqual(wrongId.body);
    expect(noToken.body).toEqual(wrongId.body);
  });
});

describe('a campaign that is not open', () => {
  it('answers 409 campaign_closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-campaigns-'));
    fs.cpSync(path.join(__dirname, '../../data/campaigns/xinjiang'), path.join(dir, 'xinjiang'), { recursive: true });
    const file = path.join(dir, 'xinjiang', 'campaign.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), status: 'closed' }));
    const closed = await startTestService({ workers: false, env: { CAMPAIGNS_DIR: dir }, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const res = await request(closed.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(409);
      expect(res.body.error.code).toBe('campaign_closed');
    } finally {
      await closed.close();
      fs.rmSync(dir, { recursive: true });
    }
  });
});

describe('operations', () => {
  it('reports health and Prometheus metrics', async () => {
    await request(service.app).get('/healthz').expect(200, { ok: true, checks: { database: 'ok', redis: 'ok' }, degraded: [] });
    const metrics = await request(service.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(metrics.text).toContain('dearmp_http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('dearmp_represent_requests_total');
  });
});
