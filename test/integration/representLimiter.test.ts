// The Represent budget is shared by every process through Redis and is never exceeded.
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { slidingWindowLimiter } from '../../src/adapters/represent/slidingWindowLimiter';
import { startFakeRepresent, type FakeRepresent } from '../fakes/fakeRepresent';
import { REDIS_URL, startTestService, type TestService } from '../helpers/testService';

describe('the sliding-window limiter on real Redis', () => {
  const clients: IORedis[] = [];
  afterAll(async () => {
    for (const client of clients) await client.quit();
  });

  it('lets no more than max through in any window, across two processes’ connections', async () => {
    const key = `limiter-test:${randomBytes(4).toString('hex')}`;
    const [a, b, observer] = [new IORedis(REDIS_URL), new IORedis(REDIS_URL), new IORedis(REDIS_URL)];
    clients.push(a, b, observer);
    const limiters = [slidingWindowLimiter(a, { key, max: 5, windowMs: 1000 }), slidingWindowLimiter(b, { key, max: 5, windowMs: 1000 })];
    // Each grant as the limiter logged it: its member, scored with the Redis time it was granted at.
    // Read after every round, while the grants of that round are still inside their window.
    const logged = new Map<string, number>();
    let granted = 0;
    // Until the budget has renewed twice (11 grants), or 10 s have gone by.
    const giveUp = Date.now() + 10_000;
    while (granted <= 10 && Date.now() < giveUp) {
      const waits = await Promise.all(limiters.map((l) => l.tryAcquire()));
      for (const { waitMs } of waits) {
        if (waitMs === 0) granted += 1;
        else expect(waitMs).toBeLessThanOrEqual(1000);
      }
      const log = await observer.zrange(key, 0, -1, 'WITHSCORES');
      for (let i = 0; i < log.length; i += 2) logged.set(log[i], Number(log[i + 1]));
    }
    // It did grant again after the first window, so the budget renews...
    expect(granted).toBeGreaterThan(5);
    expect(logged.size).toBe(granted);
    // ...and no window of a second ever held more than 5, by the times Redis granted them at.
    const times = [...logged.values()];
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(5);
    }
    await a.del(key);
  });
});

describe('two web processes sharing one budget', () => {
  let represent: FakeRepresent;
  let web1: TestService;
  let web2: TestService;
  beforeAll(async () => {
    represent = await startFakeRepresent();
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const env = { REPRESENT_RATE_PER_MIN: '5' };
    web1 = await startTestService({ workers: false, represent, prefix, env });
    web2 = await startTestService({ workers: false, represent, prefix, env });
  });
  afterAll(async () => {
    await web2.close();
    await web1.close();
    await represent.close();
  });

  it('never send Represent more than REPRESENT_RATE_PER_MIN, and answer the rest 503 with Retry-After', async () => {
    // 16 distinct, well-formed postal codes, half through each process, all at once.
    const codes = Array.from({ length: 16 }, (_, i) => `A1A ${i % 10}B${Math.floor(i / 10)}`);
    const answers = await Promise.all(
      codes.map((code, i) => request((i % 2 ? web1 : web2).app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: code })),
    );
    expect(represent.count()).toBe(5);
    expect(represent.overLimitAnswers()).toBe(0);
    const refused = answers.filter((r) => r.status === 503);
    expect(refused).toHaveLength(11);
    for (const res of refused) {
      expect(res.body.error.code).toBe('lookup_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(answers.filter((r) => r.status === 404)).toHaveLength(5);
  });
});
