// SendGrid refusing our key (401) or our sender (403) is the operator's problem, not the letters':
// nothing is sent, nothing is marked failed, every held letter says why, campaigners (stats) and
// monitors (/healthz) are told, one letter a probe interval checks whether it is fixed, and
// delivery resumes by itself when it is. A 429 is honoured for as long as SendGrid asks.
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter } from '../helpers/testService';

const TOKEN = 'admin-token-for-refusal-tests';
const auth = { Authorization: `Bearer ${TOKEN}` };
const PROBE_MS = 3000;

it('holds every letter while the key is refused, one request a probe interval, says so everywhere, and resumes by itself', async () => {
  const service = await startTestService({ env: { ADMIN_TOKEN: TOKEN, SENDGRID_PROBE_INTERVAL_MS: String(PROBE_MS), WORKER_CONCURRENCY: '10' } });
  const { sendgrid } = service;
  try {
    sendgrid.revokeKey();
    const submitted = [];
    for (let i = 0; i < 10; i += 1) submitted.push(await service.submitted(supporter()));
    const ids = submitted.flatMap((s) => s.letters.map((l) => l.id));
    expect(ids).toHaveLength(20);

    // Every held letter says why, not only the ones a worker picked up.
    await eventually(
      async () => (await service.deps.db.query<{ status: string; status_reason: string | null }>('SELECT status, status_reason FROM letters WHERE id = ANY($1)', [ids])).rows,
      (rows) => rows.length === 20 && rows.every((r) => r.status === 'queued' && (r.status_reason ?? '').startsWith('Held: SendGrid 401')),
      { what: 'all 20 letters held with the reason' },
    );
    const stats = await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(200);
    expect(stats.body.alerts).toEqual([expect.objectContaining({ code: 'sendgrid_refused', detail: expect.stringContaining('SendGrid 401') })]);
    const health = await request(service.app).get('/healthz').expect(200);
    expect(health.body).toMatchObject({ ok: true, degraded: [expect.objectContaining({ code: 'sendgrid_refused' })] });
    expect(health.body.degraded[0].message).toMatch(/SENDGRID_API_KEY/);

    // A second probe, a probe interval later: never a burst of WORKER_CONCURRENCY requests.
    await eventually(async () => sendgrid.refusedAt().length, (n) => n >= 2, { timeoutMs: PROBE_MS * 3, what: 'a second probe' });
    sendgrid.restoreKey();
    await Promise.all(ids.map((id) => service.waitForLetter(id, 'accepted', PROBE_MS * 4)));

    const refused = sendgrid.refusedAt();
    const gaps = refused.slice(1).map((at, i) => at - refused[i]);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(PROBE_MS - 100);
    // Each letter went out once it was fixed, once.
    expect(sendgrid.accepted()).toHaveLength(20);
    expect(new Set(sendgrid.receivedLetterIds()).size).toBe(20);
    const { rows } = await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status = 'failed'");
    expect(rows[0].n).toBe(0);

    const after = await request(service.app).get('/healthz').expect(200);
    expect(after.body.degraded).toEqual([]);
    expect((await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(auth).expect(200)).body.alerts).toEqual([]);
  } finally {
    await service.close();
  }
}, 60_000);

it('holds letters when SendGrid refuses our sender (403), without failing them', async () => {
  const service = await startTestService();
  try {
    service.sendgrid.setDefault(403 as never);
    const res = await service.submitted(supporter());
    const held = await eventually(
      () => service.letter(res.letters[0].id),
      (l) => l.status === 'queued' && (l.status_reason ?? '').includes('verified Sender Identity'),
      { what: 'the letter to be held' },
    );
    expect(held.status).toBe('queued');
    const { rows } = await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status = 'failed'");
    expect(rows[0].n).toBe(0);

    // Closing must not wait out the minute-long hold: the workers have closed while the hold,
    // as Redis keeps it, still has time to run.
    await service.workers!.close();
    service.workers = null;
    expect(await service.deps.queues.letters.getRateLimitTtl()).toBeGreaterThan(0);
  } finally {
    await service.close();
  }
}, 60_000);

it('waits as long as a 429’s Retry-After says, even without X-RateLimit-Reset', async () => {
  const service = await startTestService();
  try {
    service.sendgrid.setThrottleHeaders({ 'Retry-After': '10' });
    service.sendgrid.script(429);
    const res = await service.submitted(supporter());
    // The whole queue is held for the 10 seconds SendGrid asked for, as BullMQ keeps the hold (the
    // queue's own limiter holds it for at most a second between letters: longer is the 429's).
    const ttl = await eventually(() => service.deps.queues.letters.getRateLimitTtl(), (ms) => ms > 1000, { what: 'the queue to be held past its own limiter' });
    expect(ttl).toBeLessThanOrEqual(10_000);
    await Promise.all(res.letters.map((l) => service.waitForLetter(l.id, 'accepted', 20_000)));
    const received = service.sendgrid.receivedLetters();
    const throttled = received[0];
    const again = received.find((r, i) => i > 0 && r.letterId === throttled.letterId);
    expect(again).toBeDefined();
    expect(again!.at - throttled.at).toBeGreaterThanOrEqual(9900);
  } finally {
    await service.close();
  }
}, 40_000);
