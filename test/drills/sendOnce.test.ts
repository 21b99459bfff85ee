// Each office gets each letter once unless a worker dies between sending and recording, and even
// then only after the reconcile window found no SendGrid event for it. The worker runs as a real
// process (the build); the web process, which takes the Event Webhook, in this one.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeSendgrid, type FakeSendgrid } from '../fakes/fakeSendgrid';
import { eventually } from '../helpers/eventually';
import { tcpProxy } from '../helpers/tcpProxy';
import { receiptOrNote, startTestService, supporter, type TestService } from '../helpers/testService';
import { startProcess, workerEnv, type ServiceProcess } from './processes';

const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const SEND_TIMEOUT_MS = 1000;

/** The web side in this process, listening, so the fake SendGrid can post its events to it. */
async function webWithEvents(withEvents: boolean): Promise<{ service: TestService; sendgrid: FakeSendgrid; close(): Promise<void> }> {
  let app: http.RequestListener | null = null;
  const server = http.createServer((req, res) => app!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/sendgrid`;
  const sendgrid = await startFakeSendgrid({ setAside: receiptOrNote, ...(withEvents ? { events: { url, privateKey: keys.privateKey } } : {}) });
  const service = await startTestService({ workers: false, sendgrid, env: { SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY } });
  app = service.app as unknown as http.RequestListener;
  return {
    service,
    sendgrid,
    async close() {
      await service.close();
      await sendgrid.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function submitLetters(service: TestService, actions: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < actions; i += 1) ids.push(...(await service.submitted(supporter())).letters.map((l) => l.id));
  return ids;
}

const timesReceived = (sendgrid: FakeSendgrid) => {
  const counts = new Map<string, number>();
  for (const id of sendgrid.receivedLetterIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

async function statuses(service: TestService, ids: string[]): Promise<string[]> {
  const { rows } = await service.deps.db.query<{ status: string }>('SELECT status FROM letters WHERE id = ANY($1)', [ids]);
  return rows.map((r) => r.status);
}

const running: ServiceProcess[] = [];
function startWorker(env: Record<string, string>): ServiceProcess {
  const worker = startProcess('worker', env);
  running.push(worker);
  return worker;
}
async function stop(worker: ServiceProcess): Promise<void> {
  worker.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
}
// A test that failed halfway leaves no worker behind.
afterEach(async () => {
  for (const worker of running.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.kill('SIGKILL');
      await worker.exited;
    }
  }
});

describe('SendGrid slower than our timeout', () => {
  it('sends nothing twice when SendGrid’s processed events prove it has the letters', async () => {
    const web = await webWithEvents(true);
    try {
      const ids = await submitLetters(web.service, 10);
      web.sendgrid.setDelay(SEND_TIMEOUT_MS + 500);
      // A reconcile window far longer than the test: only proof can settle these letters.
      const worker = startWorker(workerEnv(web.service, { SENDGRID_TIMEOUT_MS: String(SEND_TIMEOUT_MS), RECONCILE_WINDOW_MS: '600000' }));
      await eventually(() => statuses(web.service, ids), (s) => s.length === 20 && s.every((x) => x === 'accepted'), {
        timeoutMs: 30_000, what: 'all 20 letters accepted through their processed events', describe: (s) => `${s.join(', ')}\n${worker.output()}`,
      });
      await stop(worker);

      const counts = timesReceived(web.sendgrid);
      expect(counts.size).toBe(20);
      expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
      // They went through `uncertain` (the timeout), and the event, not a resend, settled them.
      const { rows } = await web.service.deps.db.query<{ n: number }>("SELECT count(DISTINCT letter_id)::int AS n FROM letter_events WHERE type = 'uncertain' AND letter_id = ANY($1)", [ids]);
      expect(rows[0].n).toBe(20);
    } finally {
      await web.close();
    }
  }, 60_000);

  it('without events, sends each letter again once, only after the reconcile window, and says why', async () => {
    const WINDOW_MS = 3000;
    const web = await webWithEvents(false);
    try {
      const ids = await submitLetters(web.service, 5);
      web.sendgrid.setDelay(SEND_TIMEOUT_MS + 500);
      const worker = startWorker(workerEnv(web.service, { SENDGRID_TIMEOUT_MS: String(SEND_TIMEOUT_MS), RECONCILE_WINDOW_MS: String(WINDOW_MS) }));
      await eventually(() => statuses(web.service, ids), (s) => s.length === 10 && s.every((x) => x === 'uncertain'), {
        timeoutMs: 20_000, what: 'all 10 letters uncertain', describe: (s) => `${s.join(', ')}\n${worker.output()}`,
      });
      web.sendgrid.setDelay(0);
      await eventually(() => statuses(web.service, ids), (s) => s.every((x) => x === 'accepted'), { timeoutMs: 30_000, what: 'all 10 letters accepted' });
      await stop(worker);

      const received = web.sendgrid.receivedLetters();
      for (const id of ids) {
        const times = received.filter((r) => r.letterId === id).map((r) => r.at);
        expect(times).toHaveLength(2);
        expect(times[1] - times[0]).toBeGreaterThanOrEqual(WINDOW_MS);
      }
      // Its history says why it went twice.
      const { rows } = await web.service.deps.db.query<{ reason: string }>("SELECT reason FROM letter_events WHERE letter_id = $1 AND type = 'queued' AND reason IS NOT NULL", [ids[0]]);
      expect(rows.map((r) => r.reason).join(' ')).toMatch(/No event from SendGrid for it in .* sent again/);
    } finally {
      await web.close();
    }
  }, 60_000);
});

it('records SendGrid’s 202 through a 20-second database outage: nothing sent twice, everything accepted', async () => {
  const OUTAGE_MS = 20_000;
  const service = await startTestService({ workers: false });
  const url = new URL(service.database.url);
  const proxy = await tcpProxy(Number(url.port || 5432));
  url.host = `127.0.0.1:${proxy.port}`;
  let restored: Promise<void> | null = null;
  try {
    const ids = await submitLetters(service, 5);
    // The outage starts the moment SendGrid has taken the first letter, before the worker records it.
    void service.sendgrid.onAccepted().then(() => {
      const cut = proxy.cut();
      restored = cut.then(() => new Promise<void>((resolve) => setTimeout(resolve, OUTAGE_MS))).then(() => proxy.restore());
    });
    const worker = startWorker(workerEnv(service, { DATABASE_URL: url.toString(), SENDGRID_TIMEOUT_MS: '5000', RECONCILE_WINDOW_MS: '600000' }));
    await eventually(async () => restored, (p) => p !== null, { what: 'the outage to start' });
    await restored;
    await eventually(() => statuses(service, ids), (s) => s.length === 10 && s.every((x) => x === 'accepted'), {
      timeoutMs: 60_000, what: 'all 10 letters accepted after the outage', describe: (s) => `${s.join(', ')}\n${worker.output().slice(-3000)}`,
    });
    await stop(worker);
    const counts = timesReceived(service.sendgrid);
    expect(counts.size).toBe(10);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    const { rows } = await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letter_events WHERE type = 'uncertain' AND letter_id = ANY($1)", [ids]);
    expect(rows[0].n).toBe(0); // recorded by the worker's retries, not reconciled later
  } finally {
    await proxy.cut();
    await service.close();
  }
}, 120_000);
