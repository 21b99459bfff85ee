// SIGTERM under load: requests already received are answered, letters being sent are finished,
// then the process exits 0, leaving no letter half-sent.
import { startTestService, supporter, type TestService } from '../helpers/testService';
import { eventually } from '../helpers/eventually';
import { freePort, listening, startProcess, type ServiceProcess } from './processes';

let fakes: TestService;
let app: ServiceProcess;
afterAll(async () => {
  app?.kill('SIGKILL');
  await fakes.close();
});

it('finishes in-flight requests and jobs, exits 0, and leaves nothing "sending"', async () => {
  fakes = await startTestService({ workers: false });
  const port = await freePort();
  app = startProcess('all', {
    PORT: String(port),
    DATABASE_URL: fakes.database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: fakes.prefix,
    REPRESENT_URL: fakes.represent.url,
    REPRESENT_TIMEOUT_MS: '1500',
    SENDGRID_API_KEY: fakes.sendgrid.apiKey,
    SENDGRID_API_URL: fakes.sendgrid.url,
    MAIL_FROM: 'Example Letters <letters@example.org>',
    SUBMIT_RATE_PER_IP_PER_MIN: '100000',
    SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN: '100000',
    // All the load comes from one address, standing for many supporters.
    REPRESENT_VISITOR_SHARE_PERCENT: '100',
    WORKER_CONCURRENCY: '5',
  });
  await listening(port);
  const post = (postalCode = 'M5V 3L9') =>
    fetch(`http://127.0.0.1:${port}/api/campaigns/xinjiang/actions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(supporter({ postalCode })),
    }).then((res) => res.status);

  // Letters being sent: SendGrid takes half a second for each.
  fakes.sendgrid.setDelay(500);
  for (let i = 0; i < 10; i += 1) expect(await post()).toBe(202);
  await eventually(() => Promise.resolve(fakes.sendgrid.requestCount()), (n) => n > 0, { what: 'sending to start' });

  // Requests in progress: Represent does not answer, so each waits for its lookup's timeout.
  // Twenty different postal codes: once Represent has seen twenty lookups, the service has all
  // twenty requests in hand.
  fakes.represent.setMode('hang');
  const before = fakes.represent.count();
  const inFlight = Array.from({ length: 20 }, (_, i) => post(`A${i % 10}A ${Math.floor(i / 10)}A1`).catch((error: Error) => `error: ${error.message}`));
  await eventually(() => Promise.resolve(fakes.represent.count()), (n) => n >= before + 20, { what: 'twenty requests to be in progress' });

  app.kill('SIGTERM');
  const statuses = await Promise.all(inFlight);
  expect(statuses).toEqual(Array(20).fill(202));
  expect(await app.exited).toBe(0);

  const { rows } = await fakes.deps.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM letters GROUP BY status');
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  expect(byStatus.sending).toBeUndefined();
  expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(60);
}, 60_000);
