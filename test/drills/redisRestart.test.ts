// Redis stops for 20 s during submissions and comes back empty (no persistence): every accepted
// action is still delivered, because letters live in the database and the sweeper re-queues them.
import { startRedisServer, type RedisServer } from '../helpers/redisServer';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import { freePort, listening, startProcess, type ServiceProcess } from './processes';

const OUTAGE_MS = Number(process.env.DRILL_REDIS_OUTAGE_MS ?? 20_000);

let redis: RedisServer;
let db: TestService;
let web: ServiceProcess;
let worker: ServiceProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  // The in-process service only provides the fakes and a database to look into.
  db = await startTestService({ workers: false, redisUrl: redis.url });
});
afterAll(async () => {
  web?.kill('SIGKILL');
  worker?.kill('SIGKILL');
  await db.close();
  await redis.stop();
});

it('delivers every action accepted before, during and after the outage', async () => {
  const port = await freePort();
  const env = {
    PORT: String(port),
    DATABASE_URL: db.database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: db.prefix,
    REPRESENT_URL: db.represent.url,
    SENDGRID_API_KEY: db.sendgrid.apiKey,
    SENDGRID_API_URL: db.sendgrid.url,
    MAIL_FROM: 'Example Letters <letters@example.org>',
    SUBMIT_RATE_PER_IP_PER_MIN: '100000',
    SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN: '100000',
    // All the load comes from one address, standing for many supporters.
    REPRESENT_VISITOR_SHARE_PERCENT: '100',
    SWEEP_INTERVAL_MS: '500',
    LOOKUP_RETRY_MS: '200',
    DELIVERY_BACKOFF_MS: '200',
  };
  web = startProcess('web', env);
  worker = startProcess('worker', env);
  await listening(port);

  const accepted: string[] = [];
  const refused: number[] = [];
  let stopAt = Date.now() + 1000;
  const submit = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/campaigns/xinjiang/actions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(supporter()),
    });
    if (res.status === 202) accepted.push(((await res.json()) as { id: string }).id);
    else refused.push(res.status);
  };
  const submitUntil = async (until: number) => {
    while (Date.now() < until) {
      await submit();
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  await submitUntil(stopAt); // Redis up
  await redis.stop();
  stopAt = Date.now() + OUTAGE_MS;
  await submitUntil(stopAt); // Redis down: still 202, stored
  const duringOutage = accepted.length;
  await redis.start(); // empty: every job and cache entry is gone
  await submitUntil(Date.now() + 1000); // Redis back

  expect(refused).toEqual([]);
  expect(duringOutage).toBeGreaterThan(10);
  const expectedLetters = accepted.length * 2;
  await eventually(
    async () =>
      (await db.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status = 'accepted'")).rows[0].n,
    (n) => n === expectedLetters,
    { timeoutMs: 60_000, intervalMs: 250, what: `${expectedLetters} accepted letters` },
  );
  const { rows } = await db.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions');
  expect(rows[0].n).toBe(accepted.length);
}, OUTAGE_MS + 90_000);
