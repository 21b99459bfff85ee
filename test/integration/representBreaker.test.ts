// Represent failing: after a few failures in a row the breaker answers at once (no submission waits
// out the timeout), campaigners and monitors are told, and once Represent answers again the
// letters waiting for their MP go out and each action learns its real riding, whatever the
// supporter typed meanwhile.
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const TOKEN = 'admin-token-for-breaker-tests';
const auth = { Authorization: `Bearer ${TOKEN}` };
const TIMEOUT_MS = 2000;
const OPEN_MS = 4000;

let service: TestService;
beforeAll(async () => {
  service = await startTestService({
    env: {
      ADMIN_TOKEN: TOKEN,
      REPRESENT_TIMEOUT_MS: String(TIMEOUT_MS),
      REPRESENT_BREAKER_FAILURES: '3',
      REPRESENT_BREAKER_OPEN_MS: String(OPEN_MS),
      REPRESENT_DOWN_ALERT_MS: '0',
      LOOKUP_RETRY_MS: '200',
    },
  });
});
afterAll(() => service.close());

const stats = async () => (await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(200)).body;

it('answers at once once the breaker is open, tells campaigners, and recovers through one probe', async () => {
  service.represent.setMode('hang');
  // Three lookups of codes nobody asked for yet, each waiting out the timeout: the breaker opens.
  const slow = await Promise.all(
    ['M5V 3L9', 'K0A 1K0', 'H2X 1Y4'].map((postalCode) => request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode })),
  );
  expect(slow.map((r) => r.status)).toEqual([503, 503, 503]);

  const started = performance.now();
  const res = await request(service.app)
    .post('/api/campaigns/xinjiang/actions')
    .send(supporter({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne', district: 'Made-up Riding' }));
  const tookMs = performance.now() - started;
  expect(res.status).toBe(202);
  expect(res.body.letters[0].recipient.name).toBeNull(); // the MP letter waits for its lookup
  // A tenth of the timeout it would otherwise have waited.
  expect(tookMs).toBeLessThan(200);
  expect(tookMs).toBeLessThan(TIMEOUT_MS / 10);

  const lookup = await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'T2P 1J9' });
  expect(lookup.status).toBe(503);
  expect(lookup.body.error.code).toBe('lookup_unavailable');
  expect(Number(lookup.headers['retry-after'])).toBeGreaterThan(0);

  // Until Represent answers, the riding is unknown: what the supporter typed is not a riding.
  expect((await stats()).byDistrict).toEqual([{ district: 'unknown', actions: 1 }]);
  const alerts = (await stats()).alerts;
  expect(alerts).toEqual([expect.objectContaining({ code: 'represent_unreachable', count: 1, since: expect.any(String) })]);
  const health = await request(service.app).get('/healthz').expect(200);
  expect(health.body.degraded.map((d: { code: string }) => d.code)).toEqual(['represent_unreachable']);
  // Public: it names the problem, never a count of letters.
  expect(JSON.stringify(health.body)).not.toMatch(/"count"/);

  // Represent is back: after the open time, one probe closes the breaker and the letter goes out.
  service.represent.setMode('ok');
  const { rows } = await service.deps.db.query<{ id: string }>("SELECT id FROM letters WHERE target_id = 'mp' AND status = 'awaiting_lookup'");
  expect(rows).toHaveLength(1);
  const sent = await service.waitForLetter(rows[0].id, 'accepted', OPEN_MS + 10_000);
  expect(sent.recipient_email).toBe('joel.godin@parl.gc.ca');
  expect((await stats()).alerts).toEqual([]);
  expect((await request(service.app).get('/healthz').expect(200)).body.degraded).toEqual([]);
}, 40_000);

it('corrects the action’s riding from Represent’s answer: the made-up district is never shown', async () => {
  const body = (await stats()).byDistrict as Array<{ district: string; actions: number }>;
  expect(body).toEqual([{ district: 'Portneuf—Jacques-Cartier', actions: 1 }]);
  expect((await stats()).byProvince).toEqual({ QC: 1 });
  const csv = await request(service.app).get('/api/admin/campaigns/xinjiang/export.csv').set(auth).expect(200);
  const text = csv.text;
  expect(text).toContain('Portneuf—Jacques-Cartier');
  expect(text).not.toContain('Made-up Riding');
  const { rows } = await service.deps.db.query<{ district: string; district_choice: string | null }>('SELECT district, district_choice FROM actions');
  expect(rows).toEqual([{ district: 'Portneuf—Jacques-Cartier', district_choice: null }]);
});
