// The postal-code directory (PostgreSQL): every Represent answer, with when it was fetched, shared
// by all processes. It answers for a known code while Represent is down or our budget is spent
// (stale but known beats unknown), and an entry older than the refresh age is fetched again once
// Represent can answer. Each service here has its own Redis prefix (so its own hot cache and
// budget) and shares one database: what one process fetched, another finds.
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startFakeRepresent, type FakeRepresent } from '../fakes/fakeRepresent';
import { startTestService, supporter, type TestService } from '../helpers/testService';

let represent: FakeRepresent;
let database: TestDatabase;
const services: TestService[] = [];

/** A fresh process: its own memory and Redis cache, the shared directory. */
async function freshProcess(env: Record<string, string> = {}) {
  const service = await startTestService({ represent, database, env, workers: false });
  services.push(service);
  return service;
}

const fetchedAt = async (service: TestService, code: string) =>
  (await service.deps.db.query<{ fetched_at: Date }>('SELECT fetched_at FROM postcode_directory WHERE postal_code = $1', [code])).rows[0]?.fetched_at;
const ageEntry = (service: TestService, code: string, days: number) =>
  service.deps.db.query(`UPDATE postcode_directory SET fetched_at = now() - $2 * interval '1 day' WHERE postal_code = $1`, [code, days]);

beforeAll(async () => {
  represent = await startFakeRepresent();
  database = await createTestDatabase();
});
afterEach(() => represent.setMode('ok'));
afterAll(async () => {
  for (const service of services) await service.close();
  await represent.close();
  await database.drop();
});

describe('the postal-code directory', () => {
  it('keeps each answer with its time, and another process uses it without asking Represent', async () => {
    const first = await freshProcess();
    await request(first.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'M5V 3L9' }).expect(200);
    expect(await fetchedAt(first, 'M5V3L9')).toBeInstanceOf(Date);

    const asked = represent.count();
    const second = await freshProcess();
    const res = await request(second.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'M5V 3L9' }).expect(200);
    expect(res.body.representatives[0].name).toBe('Chi Nguyen');
    expect(represent.count()).toBe(asked);
  });

  it('serves an old entry while Represent is down (the letters go to the known MP), and refreshes it once Represent is back', async () => {
    const service = await freshProcess();
    await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'G0A 1A0' }).expect(200);
    await ageEntry(service, 'G0A1A0', 45);

    represent.setMode('fail');
    const down = await freshProcess();
    const sent = await down.submitted(supporter({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne' }));
    expect(sent.letters[0].recipient).toMatchObject({ name: 'Joël Godin', district: 'Portneuf—Jacques-Cartier' });
    expect((await down.letter(sent.letters[0].id)).status).toBe('queued');
    const stale = await fetchedAt(down, 'G0A1A0');
    expect(Date.now() - stale.getTime()).toBeGreaterThan(44 * 86400_000);

    represent.setMode('ok');
    const asked = represent.count('/postcodes/G0A1A0/');
    const back = await freshProcess();
    await request(back.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'G0A 1A0' }).expect(200);
    expect(represent.count('/postcodes/G0A1A0/')).toBe(asked + 1);
    expect(Date.now() - (await fetchedAt(back, 'G0A1A0')).getTime()).toBeLessThan(60_000);
  });

  it('over our Represent budget, the directory answers and no request goes over Represent’s limit', async () => {
    // Two codes known but old; a budget of one request a minute.
    const service = await freshProcess();
    for (const code of ['M5V 3L9', 'K0A 1K0']) await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: code }).expect(200);
    await ageEntry(service, 'M5V3L9', 40);
    await ageEntry(service, 'K0A1K0', 40);
    represent.reset();
    represent.setRateLimit(1);

    const tight = await freshProcess({ REPRESENT_RATE_PER_MIN: '1' });
    const first = await tight.submitted(supporter());
    const second = await tight.submitted(supporter({ postalCode: 'K0A 1K0', district: 'Carleton', city: 'Carlsbad Springs' }));
    expect(first.letters[0].recipient.name).toBe('Chi Nguyen');
    expect(second.letters[0].recipient).toMatchObject({ district: 'Carleton' });
    expect(represent.count()).toBe(1);
    expect(represent.overLimitAnswers()).toBe(0);
    represent.reset();
  });

  it('an owner or editor refreshes a code on demand: one request, and the directory’s time moves', async () => {
    const service = await freshProcess({ ADMIN_TOKEN: 'directory-admin-token-0123456789' });
    await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'M5V 3L9' }).expect(200);
    await ageEntry(service, 'M5V3L9', 3);
    const asked = represent.count('/postcodes/M5V3L9/');
    const res = await request(service.app)
      .post('/api/admin/postcodes/m5v3l9/refresh')
      .set('Authorization', 'Bearer directory-admin-token-0123456789')
      .expect(200);
    expect(res.body.postalCode).toBe('M5V 3L9');
    expect(res.body.officeholders.map((h: { level: string; office: string }) => `${h.level}:${h.office}`)).toEqual(
      expect.arrayContaining(['federal:MP', 'provincial:MPP', 'municipal:Mayor', 'municipal:Councillor']),
    );
    expect(represent.count('/postcodes/M5V3L9/')).toBe(asked + 1);
    expect(Date.now() - (await fetchedAt(service, 'M5V3L9')).getTime()).toBeLessThan(60_000);

    represent.setMode('fail');
    const refused = await request(service.app).post('/api/admin/postcodes/M5V3L9/refresh').set('Authorization', 'Bearer directory-admin-token-0123456789');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('lookup_unavailable');
  });

  it('erasing a supporter leaves the directory alone: it holds postal codes and officeholders, no one else', async () => {
    const service = await freshProcess({ ADMIN_TOKEN: 'directory-admin-token-0123456789' });
    const body = supporter();
    await service.submitted(body);
    const before = await service.deps.db.query('SELECT postal_code, answer FROM postcode_directory ORDER BY postal_code');
    await request(service.app).delete(`/api/admin/supporters/${encodeURIComponent(body.email)}`).set('Authorization', 'Bearer directory-admin-token-0123456789').expect(200);
    const after = await service.deps.db.query('SELECT postal_code, answer FROM postcode_directory ORDER BY postal_code');
    expect(after.rows).toEqual(before.rows);
    expect(JSON.stringify(after.rows)).not.toContain(body.email);
  });
});
