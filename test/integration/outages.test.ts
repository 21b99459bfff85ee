// Outages of Represent, Redis and the database delay letters; they never lose them, and a
// supporter always gets a clear answer.
import request from 'supertest';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { startTestService, supporter, type Submitted, type TestService } from '../helpers/testService';

const submit = (service: TestService, body: object) => request(service.app).post('/api/campaigns/xinjiang/actions').send(body);
const ids = (res: Submitted): string[] => res.letters.map((l) => l.id);

describe('Represent is down', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  it('answers lookups with 503 lookup_unavailable whether Represent fails, hangs or is over its limit', async () => {
    for (const mode of ['fail', 'hang', 'overloaded'] as const) {
      service.represent.setMode(mode);
      const res = await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'G0A 1A0' }).expect(503);
      expect(res.body.error.code).toBe('lookup_unavailable');
    }
    service.represent.setMode('ok');
  });

  it('accepts the action, holds the MP letter as awaiting_lookup, and delivers it once Represent is back', async () => {
    service.represent.setMode('fail');
    const res = await service.submitted(supporter({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne', locale: 'fr' }));
    const [mpId, ministerId] = ids(res);
    // The answer says the MP is not known yet: no name, no subject.
    expect(res.letters[0]).toMatchObject({ recipient: { name: null }, subject: null });
    // The minister does not depend on Represent: that letter goes now.
    await service.waitForLetter(ministerId, 'accepted');
    expect((await service.letter(mpId)).status).toBe('awaiting_lookup');

    service.represent.setMode('ok');
    const delivered = await service.waitForLetter(mpId, 'accepted');
    expect(delivered.recipient_email).toBe('joel.godin@parl.gc.ca');
    expect(delivered.body_text).toContain('Portneuf—Jacques-Cartier');
    expect(delivered.body_text).toContain('Bonjour Joël Godin');
    const status = await request(service.app).get(`/api/actions/${res.id}`).query({ token: res.token }).expect(200);
    expect(status.body.letters[0].events.map((e: { type: string }) => e.type)).toEqual(['awaiting_lookup', 'queued', 'sending', 'accepted']);
  });
});

describe('Redis is unreachable at submit', () => {
  let redis: RedisServer;
  let service: TestService;
  beforeAll(async () => {
    redis = await startRedisServer();
    service = await startTestService({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await service.close();
    await redis.stop();
  });

  it('still answers 202 with stored letters, and the sweeper delivers them when Redis is back', async () => {
    await redis.stop();
    const res = await service.submitted(supporter());
    const stored = await Promise.all(ids(res).map((id) => service.letter(id)));
    expect(stored.map((l) => l.status).sort()).toEqual(['awaiting_lookup', 'queued']);
    expect(service.sendgrid.requestCount()).toBe(0);

    await redis.start();
    await Promise.all(ids(res).map((id) => service.waitForLetter(id, 'accepted', 20_000)));
    expect(service.sendgrid.accepted()).toHaveLength(2);
  });
});

describe('the database is unreachable', () => {
  it('answers 503 unavailable, never a 202 without a stored row', async () => {
    const service = await startTestService({ workers: false });
    try {
      await service.deps.db.close();
      const res = await submit(service, supporter()).expect(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(JSON.stringify(res.body)).not.toMatch(/pool|pg|stack/i);
      await request(service.app).get('/healthz').expect(503);
    } finally {
      service.deps.db.close = async () => undefined;
      await service.close();
    }
  });
});
