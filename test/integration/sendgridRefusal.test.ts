// SendGrid refusing our key (401) or our sender (403) is the operator's problem, not the letters':
// nothing is sent, nothing is marked failed, /healthz and the logs say so, and letters go out
// once it is fixed.
import request from 'supertest';
import { startFakeSendgrid } from '../fakes/fakeSendgrid';
import { eventually } from '../helpers/eventually';
import { receiptOrNote, startTestService, supporter, type Submitted } from '../helpers/testService';

const ids = (res: Submitted): string[] => res.letters.map((l) => l.id);

it('holds every letter while the API key is refused, says so, and sends them once the key is fixed', async () => {
  const sendgrid = await startFakeSendgrid({ setAside: receiptOrNote });
  const broken = await startTestService({ sendgrid, env: { SENDGRID_API_KEY: 'SG.revoked-key' } });
  try {
    const res = await broken.submitted(supporter());
    // The first try is refused; the letter goes back to waiting, with the reason.
    const held = await eventually(
      () => broken.letter(ids(res)[0]),
      (l) => l.status === 'queued' && (l.status_reason ?? '').startsWith('Held: SendGrid 401'),
      { what: 'the letter to be held' },
    );
    expect(held.attempts).toBeGreaterThanOrEqual(1);
    const health = await request(broken.app).get('/healthz').expect(200);
    expect(health.body.ok).toBe(true);
    expect(health.body.warnings.join(' ')).toMatch(/SendGrid refuses our API key or sender .*401/);
    expect(sendgrid.accepted()).toHaveLength(0);

    // The operator fixes the key and restarts the worker: same database, same queues.
    await broken.workers!.close();
    broken.workers = null;
    const fixed = await startTestService({
      sendgrid,
      represent: broken.represent,
      database: broken.database,
      prefix: broken.prefix,
      env: { SENDGRID_API_KEY: sendgrid.apiKey },
    });
    try {
      await Promise.all(ids(res).map((id) => fixed.waitForLetter(id, "accepted", 20_000)));
      expect(sendgrid.accepted()).toHaveLength(2);
      const after = await request(fixed.app).get('/healthz').expect(200);
      expect(after.body.warnings).toBeUndefined();
    } finally {
      await fixed.close();
    }
  } finally {
    await broken.close();
    await sendgrid.close();
  }
}, 60_000);

it('holds letters when SendGrid refuses our sender (403), without failing them', async () => {
  const service = await startTestService();
  try {
    service.sendgrid.setDefault(403 as never);
    const res = await service.submitted(supporter());
    const held = await eventually(
      () => service.letter(ids(res)[0]),
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
