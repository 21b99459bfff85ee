// kill -9 a worker while 1,000 letters are in flight, start another: every letter ends accepted,
// and SendGrid received each letter once, except at most the ones mid-request at the kill (sent
// again only after the reconcile window found no event for them).
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { startTestService, type TestService, supporter } from '../helpers/testService';
import { startProcess, workerEnv, type ServiceProcess } from './processes';

const CONCURRENCY = 10;
let service: TestService;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  service = await startTestService({ workers: false });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await service.close();
});

it('loses no letter and sends at most the in-flight ones twice', async () => {
  for (let i = 0; i < 500; i += 1) await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(202);
  const total = (await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status = 'queued'")).rows[0].n;
  expect(total).toBe(1000);

  service.sendgrid.setDelay(20);
  const env = workerEnv(service, {
    SENDGRID_TIMEOUT_MS: '1000',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_LOCK_MS: '2000',
    DELIVERY_STALE_CLAIM_MS: '3000',
    SWEEP_INTERVAL_MS: '500',
    // A letter the killed worker was sending is uncertain: with no webhook here, it is sent again after this.
    RECONCILE_WINDOW_MS: '3000',
  });
  const first = startProcess('worker', env);
  workers.push(first);
  await service.sendgrid.waitForAccepted(250, 30_000).catch(async (error: Error) => {
    const counts = await service.deps.queues.letters.getJobCounts();
    throw new Error(`${error.message}\njobs: ${JSON.stringify(counts)}\nworker said: ${first.output()}`);
  });
  first.kill('SIGKILL');
  expect(await first.exited).toBeNull();
  const sentBeforeKill = service.sendgrid.receivedLetterIds().length;
  expect(sentBeforeKill).toBeLessThan(1000);

  const second = startProcess('worker', env);
  workers.push(second);
  await eventually(
    async () => (await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status = 'accepted'")).rows[0].n,
    (n) => n === 1000,
    { timeoutMs: 180_000, intervalMs: 200, what: 'all 1,000 letters to be accepted' },
  );
  second.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  const received = service.sendgrid.receivedLetterIds();
  const counts = new Map<string, number>();
  for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
  expect(counts.size).toBe(1000);
  const twice = [...counts.values()].filter((n) => n > 1);
  expect(twice.every((n) => n === 2)).toBe(true);
  expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);
  const { rows } = await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status <> 'accepted'");
  expect(rows[0].n).toBe(0);
}, 300_000);
