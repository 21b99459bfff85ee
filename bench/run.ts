// `npm run bench`: starts the real service (separate `web` and `worker` processes, built in dist/)
// on this machine's PostgreSQL and Redis, with a fake Represent (enforcing its rate limit) and a
// fake SendGrid (answering in 50 ms), drives it with autocannon, measures the floors in the same
// run, prints one table and exits non-zero when a bar is missed. Each process of the service is
// started with the node flags of its `npm run start:<role>` script, as an operator starts it.
// Everything stays on 127.0.0.1; the database and the Redis keys it makes are removed at the end.
//
// Settings (environment, all optional):
//   BENCH_CONNECTIONS (50), BENCH_WARMUP_SECONDS (3),
//   BENCH_SUBMIT_SECONDS (15 per side, split in BENCH_ROUNDS (3) rounds alternating floor and service),
//   BENCH_BURST (5000), BENCH_DELIVERY_LETTERS (2000),
//   BENCH_MEMORY_SUBMISSIONS (100000) and BENCH_MEMORY_SECONDS (300): the memory bench stops at
//     whichever comes first, and says so,
//   BENCH_WORKER_SECONDS (10): how long the worker delivers from the memory bench's backlog,
//   BENCH_QUIET_WAIT_SECONDS (30): how long to wait at start for other work on the machine to calm down,
//   BENCH_ANALYZE (1; 0 = never ANALYZE, see `analyze` below), REPRESENT_RATE_PER_MIN (55),
//   BENCH_DATABASE_ADMIN_URL, BENCH_REDIS_URL,
//   BENCH_BASELINE_DIST: another build's dist/, benched in the floor's place (see S.baselineDist).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Pool } from 'pg';
import type { FakeRepresent } from '../test/fakes/fakeRepresent';
import {
  combine, cpuSecondsOf, createDatabase, deleteKeys, dropDatabase, freePort, load, machineBusy, machineSteal, memoryOf, REDIS_URL, sleep, spawnNode, stolenBetween,
  waitForHttp, type Child, type LoadOptions, type LoadResult,
} from './lib';
import { startSlowSendgrid, type SlowSendgrid } from './slowSendgrid';

const ROOT = path.resolve(__dirname, '..', '..'); // dist/bench/run.js → the repository
const DIST = path.join(ROOT, 'dist');

const setting = (name: string, fallback: number, min = 1): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
};

const S = {
  connections: setting('BENCH_CONNECTIONS', 50),
  warmupSeconds: setting('BENCH_WARMUP_SECONDS', 3, 0),
  submitSeconds: setting('BENCH_SUBMIT_SECONDS', 15),
  rounds: setting('BENCH_ROUNDS', 3),
  burst: setting('BENCH_BURST', 5000),
  deliveryLetters: setting('BENCH_DELIVERY_LETTERS', 2000, 2),
  memorySubmissions: setting('BENCH_MEMORY_SUBMISSIONS', 100_000),
  memorySeconds: setting('BENCH_MEMORY_SECONDS', 300),
  workerSeconds: setting('BENCH_WORKER_SECONDS', 10),
  quietWaitSeconds: setting('BENCH_QUIET_WAIT_SECONDS', 30, 0),
  representPerMinute: setting('REPRESENT_RATE_PER_MIN', 55),
  /** 0: never ANALYZE the bench database, even when the server's autovacuum is off. */
  analyze: setting('BENCH_ANALYZE', 1, 0) !== 0,
  /**
   * The dist/ directory of another build of this service (a git worktree at another commit, built
   * with `npm run build`): its web role replaces the floor in the submissions bench, so the
   * "floor" column compares two builds in the same interleaved rounds. The only way to see a 5 %
   * change on a host whose speed moves by more than that between runs.
   */
  baselineDist: process.env.BENCH_BASELINE_DIST ? path.resolve(process.env.BENCH_BASELINE_DIST) : null,
  sendgridDelayMs: 50,
  workerConcurrency: 10, // the service's default WORKER_CONCURRENCY (src/config.ts), given to the floor worker
};

// ---------------------------------------------------------------- the table

interface Row {
  bench: string;
  figure: string;
  value: string;
  floor: string;
  bar: string;
  /** null: reported, no bar. */
  pass: boolean | null;
}
const rows: Row[] = [];
const row = (r: Row) => {
  rows.push(r);
  process.stderr.write(`  ${r.bench} · ${r.figure}: ${r.value}${r.floor ? ` (floor ${r.floor})` : ''}${r.pass === null ? '' : r.pass ? ' PASS' : ' FAIL'}\n`);
};
const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : String(x));
const n1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
const say = (text: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

function printTable(): void {
  const head: Row = { bench: 'bench', figure: 'figure', value: 'measured', floor: 'floor', bar: 'bar', pass: null };
  const cells = (r: Row, isHead = false) => [r.bench, r.figure, r.value, r.floor || '—', r.bar || '—', isHead ? 'result' : r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL'];
  const all = [cells(head, true), ...rows.map((r) => cells(r))];
  const widths = all[0].map((_, i) => Math.max(...all.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(all[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...all.slice(1).map(line)];
  process.stdout.write(`\n${out.join('\n')}\n\n`);
}

// ---------------------------------------------------------------- what a supporter sends

const runTag = randomBytes(3).toString('hex');
let sequence = 0;
const supporter = (postalCode = 'M5V 3L9') => ({
  firstName: 'Mei',
  lastName: 'Tursun',
  email: `mei.${runTag}.${(sequence += 1)}@example.com`,
  postalCode,
  address: '12 Front Street West, Apt 4',
  city: 'Toronto',
  message: 'My cousin in Ürümqi has not answered a call since 2019. <Please> act & reply.',
  locale: 'en',
  consent: { updates: true },
});

/** `count` distinct well-formed postal codes, none of the recorded ones, in a fixed pseudo-random order. */
function distinctPostalCodes(count: number, avoid: Set<string>): string[] {
  const first = 'ABCEGHJKLMNPRSTVXY';
  const other = 'ABCEGHJKLMNPRSTVWXYZ';
  const codes = new Set<string>();
  let seed = 0x2545f491;
  const next = (m: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % m;
  };
  while (codes.size < count) {
    const code = `${first[next(first.length)]}${next(10)}${other[next(other.length)]}${next(10)}${other[next(other.length)]}${next(10)}`;
    if (!avoid.has(code)) codes.add(code);
  }
  return [...codes];
}

// ---------------------------------------------------------------- the run

interface World {
  dbName: string;
  dbUrl: string;
  prefix: string;
  logFile: string;
  dataDir: string;
  represent: FakeRepresent;
  sendgrid: SlowSendgrid;
  redis: IORedis;
  pool: Pool;
  webPort: number;
  web: Child;
  children: Set<Child>;
  /** Every 202 the service answered, across all benches: the database must hold exactly these actions. */
  accepted: number;
  burstCodes: string[];
  /** The server runs without autovacuum: the bench ANALYZEs its database as autovacuum would. */
  analyzeByHand: boolean;
}

function serviceEnv(w: World): Record<string, string> {
  return {
    DATABASE_URL: w.dbUrl,
    REDIS_URL,
    REDIS_PREFIX: w.prefix,
    PORT: String(w.webPort),
    PUBLIC_URL: `http://127.0.0.1:${w.webPort}`,
    DATA_DIR: w.dataDir,
    CAMPAIGNS_DIR: path.join(ROOT, 'data', 'campaigns'),
    REPRESENT_URL: w.represent.url,
    REPRESENT_RATE_PER_MIN: String(S.representPerMinute),
    SENDGRID_API_KEY: w.sendgrid.apiKey,
    SENDGRID_API_URL: w.sendgrid.url,
    MAIL_FROM: 'Example Letters <letters@example.org>',
    // All the load comes from 127.0.0.1, standing for many supporters: the per-visitor limits
    // (and one visitor's share of the Represent budget) would otherwise be the bench.
    SUBMIT_RATE_PER_IP_PER_MIN: '1000000',
    SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN: '1000000',
    LOOKUP_RATE_PER_IP_PER_MIN: '1000000',
    REPRESENT_VISITOR_SHARE_PERCENT: '100',
    LOG_LEVEL: 'warn',
  };
}

/**
 * The node flags an operator's `npm run start:<role>` gives the service (package.json), so the
 * bench runs each process exactly as production does (the web role's heap settings, for one).
 */
function nodeFlagsOf(role: 'web' | 'worker'): string[] {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts[`start:${role}`] ?? '').trim().split(/\s+/);
  const main = words.indexOf('dist/src/main.js');
  if (words[0] !== 'node' || main < 0) throw new Error(`package.json "start:${role}" is not "node [flags] dist/src/main.js ${role}"`);
  return words.slice(1, main);
}

function startService(w: World, role: 'web' | 'worker'): Child {
  const child = spawnNode(role, path.join(DIST, 'src', 'main.js'), [role], serviceEnv(w), w.logFile, ROOT, nodeFlagsOf(role));
  w.children.add(child);
  void child.exited.then(() => w.children.delete(child));
  return child;
}

async function count(w: World, sql: string, params: unknown[] = []): Promise<number> {
  const { rows: r } = await w.pool.query<{ n: string }>(sql, params);
  return Number(r[0].n);
}

const countStatus = (r: LoadResult, code: string) => r.byStatus[code] ?? 0;

/**
 * A production PostgreSQL analyzes tables as they grow (autovacuum). When this server has it off
 * (CI machines do), the planner keeps the estimates of empty tables and picks plans that scan
 * whole tables; the bench then ANALYZEs by hand between benches and every memory slice.
 */
async function analyze(w: World): Promise<void> {
  if (w.analyzeByHand) await w.pool.query('ANALYZE');
}

/** Until `done()` or `timeoutMs`; false on timeout. */
async function until(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}

/** Waits until the actions table stops growing: a timed run ends with requests still in flight. */
async function settle(w: World): Promise<void> {
  let last = -1;
  for (let i = 0; i < 40; i += 1) {
    const now = await count(w, 'SELECT count(*) AS n FROM actions');
    if (now === last) return;
    last = now;
    await sleep(250);
  }
}

interface CpuPerRequest {
  app: number;
  postgres: number;
  redis: number;
}

/** A timed load run with what it cost: CPU by process, and the hypervisor's share meanwhile. */
type MeasuredRun = LoadResult & { stolen: number; cpuSeconds: CpuPerRequest };

/**
 * A load run, with the CPU seconds used meanwhile by the app (`pid`), by the PostgreSQL backends
 * serving the bench database, and by redis-server (shared: other users of it count too).
 */
async function loadWithCpu(w: World, options: LoadOptions, pid: number): Promise<MeasuredRun> {
  const ours = ` ${w.dbName} `;
  const sample = () => ({
    app: cpuSecondsOf((p) => p === pid),
    postgres: cpuSecondsOf((_, name, commandLine) => name.startsWith('postgres') && commandLine.includes(ours)),
    redis: cpuSecondsOf((_, name) => name.startsWith('redis-server')),
  });
  const before = sample();
  const stealBefore = machineSteal();
  const result = await load(options);
  const stolen = stolenBetween(stealBefore, machineSteal());
  const after = sample();
  const used = (k: keyof CpuPerRequest) => Math.max(0, after[k] - before[k]);
  return { ...result, stolen, cpuSeconds: { app: used('app'), postgres: used('postgres'), redis: used('redis') } };
}

/** The hypervisor's share of the CPU over several runs, weighted by their length (see machineSteal). */
const stolenDuring = (runs: MeasuredRun[]): number =>
  runs.reduce((a, r) => a + r.stolen * r.seconds, 0) / Math.max(1e-9, runs.reduce((a, r) => a + r.seconds, 0));

/** CPU milliseconds per answered request over several runs. */
function cpuPerRequest(runs: MeasuredRun[]): CpuPerRequest {
  const requests = Math.max(1, runs.reduce((a, r) => a + r.requests, 0));
  const per = (k: keyof CpuPerRequest) => (runs.reduce((a, r) => a + r.cpuSeconds[k], 0) * 1000) / requests;
  return { app: per('app'), postgres: per('postgres'), redis: per('redis') };
}
const cpuText = (c: CpuPerRequest) => `${c.app.toFixed(2)} / ${c.postgres.toFixed(2)} / ${c.redis.toFixed(2)}`;

/** Letters per second from the first to the last 202 of the fake SendGrid. */
function deliveryRate(times: number[]): number {
  if (times.length < 2) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  return ((sorted.length - 1) * 1000) / (sorted[sorted.length - 1] - sorted[0]);
}

async function benchDelivery(w: World): Promise<void> {
  const letters = S.deliveryLetters;
  const actions = Math.ceil(letters / 2);
  await analyze(w);
  say(`delivery: queueing ${actions * 2} letters through the API (worker stopped)`);
  const submitted = await load({ url: `http://127.0.0.1:${w.webPort}/api/campaigns/xinjiang/actions`, connections: S.connections, amount: actions, body: () => supporter() });
  w.accepted += countStatus(submitted, '202');
  const queued = await count(w, `SELECT count(*) AS n FROM letters WHERE status = 'queued'`);
  const expected = actions * 2;
  if (countStatus(submitted, '202') !== actions || queued !== expected) {
    throw new Error(`delivery setup: ${countStatus(submitted, '202')}/${actions} accepted, ${queued}/${expected} letters queued`);
  }

  say(`delivery: the service's worker sends ${expected} letters to a SendGrid fake answering in ${S.sendgridDelayMs} ms`);
  w.sendgrid.reset();
  const worker = startService(w, 'worker');
  const allSent = await until(() => w.sendgrid.acceptedAt().length >= expected, 180_000);
  const allStored = await until(async () => (await count(w, `SELECT count(*) AS n FROM letters WHERE status = 'accepted'`)) === expected, 30_000, 200);
  const serviceRate = deliveryRate(w.sendgrid.acceptedAt());
  const twice = [...w.sendgrid.letterIds().values()].filter((c) => c > 1).length;
  const workerMemory = memoryOf(worker.pid);
  await worker.stop();

  say(`delivery floor: a bare BullMQ worker (concurrency ${S.workerConcurrency}), one HTTP POST per job`);
  const floorPrefix = `${w.prefix}-floorw`;
  const queue = new Queue('letters', { connection: w.redis, prefix: floorPrefix });
  await queue.addBulk(
    Array.from({ length: expected }, (_, i) => ({
      name: 'deliver',
      data: { letterId: `floor-${i}` },
      opts: { jobId: `letter-floor-${i}`, removeOnComplete: { age: 3600, count: 10_000 } },
    })),
  );
  await queue.close();
  w.sendgrid.reset();
  const floorWorker = spawnNode(
    'floor-worker',
    path.join(DIST, 'bench', 'floorWorker.js'),
    [],
    { REDIS_URL, REDIS_PREFIX: floorPrefix, SENDGRID_API_URL: w.sendgrid.url, SENDGRID_API_KEY: w.sendgrid.apiKey, WORKER_CONCURRENCY: String(S.workerConcurrency) },
    w.logFile,
    ROOT,
  );
  w.children.add(floorWorker);
  const floorDone = await until(() => w.sendgrid.acceptedAt().length >= expected, 180_000);
  const floorRate = deliveryRate(w.sendgrid.acceptedAt());
  await floorWorker.stop();
  w.children.delete(floorWorker);

  const bench = `Delivery (${n0(expected)} letters, fake SendGrid ${S.sendgridDelayMs} ms, concurrency ${S.workerConcurrency})`;
  row({ bench, figure: 'letters/s, first to last accepted', value: n1(serviceRate), floor: floorDone ? n1(floorRate) : 'did not finish', bar: `≥ 0.8 × floor = ${n1(floorRate * 0.8)}`, pass: allSent && floorDone && serviceRate >= floorRate * 0.8 });
  row({ bench, figure: 'letters accepted (database)', value: `${allStored ? n0(expected) : 'fewer than'} / ${n0(expected)}`, floor: '', bar: 'all', pass: allSent && allStored });
  row({ bench, figure: 'letters sent twice', value: String(twice), floor: '', bar: '0', pass: twice === 0 });
  row({ bench, figure: 'worker RSS after it (MB)', value: `${n0(workerMemory.rssMb)} (peak ${n0(workerMemory.peakMb)})`, floor: '', bar: '', pass: null });
}

async function benchSubmissions(w: World): Promise<void> {
  const path_ = '/api/campaigns/xinjiang/actions';
  const floorPort = await freePort();
  // BENCH_BASELINE_DIST: another build's web role takes the floor's place (see S.baselineDist).
  const baseline = S.baselineDist;
  const floorApp = baseline
    ? spawnNode('baseline-web', path.join(baseline, 'src', 'main.js'), ['web'], { ...serviceEnv(w), PORT: String(floorPort) }, w.logFile, path.dirname(baseline), nodeFlagsOf('web'))
    : spawnNode(
        'floor-app', path.join(DIST, 'bench', 'floorApp.js'), [],
        { DATABASE_URL: w.dbUrl, REDIS_URL, REDIS_PREFIX: `${w.prefix}-floor`, PORT: String(floorPort) }, w.logFile, ROOT,
      );
  w.children.add(floorApp);
  await waitForHttp(`http://127.0.0.1:${floorPort}/`, floorApp);
  const floorUrl = `http://127.0.0.1:${floorPort}${path_}`;
  const url = `http://127.0.0.1:${w.webPort}${path_}`;

  await analyze(w);
  say(`submissions: warm-up, then ${S.rounds} rounds of ${n1(S.submitSeconds / S.rounds)} s each on the ${baseline ? `baseline build (${baseline}), in the floor's place,` : 'floor (Express 5, one INSERT, one queue.add)'} and the service`);
  if (S.warmupSeconds > 0) {
    await load({ url: floorUrl, connections: S.connections, duration: S.warmupSeconds, body: () => supporter() });
    const warm = await load({ url, connections: S.connections, duration: S.warmupSeconds, body: () => supporter() });
    w.accepted += countStatus(warm, '202');
    await settle(w);
    w.accepted = await count(w, 'SELECT count(*) AS n FROM actions');
  }
  // Interleaved, so both sides meet the same weather on a machine others may be using too. Both
  // parse every answer, so the load generator does the same work for each.
  const floorIds: string[] = [];
  // The service's answer holds no id (it must not tell who acted): its actions are found by the
  // (unique) emails the bench sent. Every 202 must have its action; a request cut off when a round
  // ends may have one too, its answer never read.
  const emails: string[] = [];
  let accepted202 = 0;
  const floorRuns: MeasuredRun[] = [];
  const serviceRuns: MeasuredRun[] = [];
  for (let round = 0; round < S.rounds; round += 1) {
    floorRuns.push(await loadWithCpu(w, {
      url: floorUrl, connections: S.connections, duration: S.submitSeconds / S.rounds, body: () => supporter(),
      onResponse: (status, body) => void (status === 202 && floorIds.push((JSON.parse(body) as { id: string }).id)),
    }, floorApp.pid));
    await sleep(300);
    serviceRuns.push(await loadWithCpu(w, {
      url, connections: S.connections, duration: S.submitSeconds / S.rounds,
      body: () => {
        const body = supporter();
        emails.push(body.email as string);
        return body;
      },
      onResponse: (status, body) => void (status === 202 && (JSON.parse(body) as { received?: boolean }).received === true && (accepted202 += 1)),
    }, w.web.pid));
    await settle(w);
  }
  const floor = combine(floorRuns);
  const service = combine(serviceRuns);
  w.accepted += countStatus(service, '202');
  const floorStored = await count(w, `SELECT count(*) AS n FROM ${baseline ? 'actions' : 'floor_actions'} WHERE id = ANY($1::uuid[])`, [floorIds]);
  // The baseline's actions are in the same tables: the whole-database check below counts them too.
  if (baseline) w.accepted += floorIds.length;
  await floorApp.stop();
  w.children.delete(floorApp);
  const matched = await count(
    w,
    `SELECT count(*) AS n FROM (SELECT a.id FROM actions a JOIN supporters s ON s.id = a.supporter_id JOIN letters l ON l.action_id = a.id
      WHERE s.email = ANY($1::text[]) AND l.status = 'queued' GROUP BY a.id HAVING count(*) = 2) m`,
    [emails.map((e) => e.toLowerCase())],
  );
  const actionsTotal = await count(w, 'SELECT count(*) AS n FROM actions');
  const lettersTotal = await count(w, 'SELECT count(*) AS n FROM letters');

  const bench = `Submissions, MP cached (${S.connections} connections, ${S.rounds} × ${n1(S.submitSeconds / S.rounds)} s each side)`;
  row({ bench, figure: 'requests/s', value: n0(service.perSecond), floor: n0(floor.perSecond), bar: `≥ 0.5 × floor = ${n0(floor.perSecond / 2)}`, pass: service.perSecond >= floor.perSecond / 2 });
  row({ bench, figure: 'p50 latency (ms)', value: n0(service.p50), floor: n0(floor.p50), bar: '', pass: null });
  // A ratio to the floor measured in the same run: absolute milliseconds do not hold across machines.
  row({ bench, figure: 'p99 latency (ms)', value: n0(service.p99), floor: n0(floor.p99), bar: `≤ 2 × floor = ${n0(floor.p99 * 2)}`, pass: service.p99 <= floor.p99 * 2 });
  row({ bench, figure: 'non-2xx answers (+ errors)', value: `${service.non2xx} (+${service.errors})`, floor: `${floor.non2xx} (+${floor.errors})`, bar: '0', pass: service.non2xx === 0 && service.errors === 0 });
  row({ bench, figure: 'CPU ms per request: app / its PostgreSQL backends / Redis', value: cpuText(cpuPerRequest(serviceRuns)), floor: cpuText(cpuPerRequest(floorRuns)), bar: '', pass: null });
  const pct = (share: number) => `${n0(share * 100)} %`;
  row({ bench, figure: 'CPU taken by the hypervisor meanwhile (steal)', value: pct(stolenDuring(serviceRuns)), floor: pct(stolenDuring(floorRuns)), bar: '', pass: null });
  row({ bench, figure: '202s with their 2 letters stored, queued', value: `${n0(matched)} / ${n0(accepted202)}`, floor: `${n0(floorStored)} / ${n0(floorIds.length)} rows`, bar: 'all', pass: accepted202 > 0 && matched >= accepted202 });
  // Timed runs stop with requests in flight that the server still completes: the database may
  // hold up to `connections` more actions per timed run than the 202s counted, never fewer.
  const inFlight = actionsTotal - w.accepted;
  row({ bench, figure: 'whole database: actions, letters', value: `${n0(actionsTotal)}, ${n0(lettersTotal)}`, floor: '', bar: 'letters = 2 × actions', pass: lettersTotal === 2 * actionsTotal && inFlight >= 0 && inFlight <= S.rounds * S.connections * (baseline ? 2 : 1) });
  w.accepted = actionsTotal;
}

async function benchBurst(w: World): Promise<void> {
  say(`uncached burst: ${n0(S.burst)} submissions, ${n0(S.burst)} distinct postal codes, Represent limited to ${S.representPerMinute}/min`);
  const codes = w.burstCodes;
  let i = 0;
  await analyze(w);
  const beforeRepresent = w.represent.count();
  const actionsBefore = await count(w, 'SELECT count(*) AS n FROM actions');
  const url = `http://127.0.0.1:${w.webPort}/api/campaigns/xinjiang/actions`;
  const burst = await load({
    url, connections: S.connections, amount: S.burst,
    body: () => {
      const code = codes[i++ % codes.length];
      return supporter(`${code.slice(0, 3)} ${code.slice(3)}`);
    },
  });
  const burstSeconds = burst.seconds; // from the first request to the last answer
  w.accepted += countStatus(burst, '202');
  const stored = (await count(w, 'SELECT count(*) AS n FROM actions')) - actionsBefore;
  const byPath = new Map<string, number>();
  for (const u of w.represent.requests()) {
    const p = u.split('?')[0];
    byPath.set(p, (byPath.get(p) ?? 0) + 1);
  }
  const mostLookups = Math.max(0, ...byPath.values());
  const duringBurst = w.represent.count() - beforeRepresent;
  const burstSet = new Set(codes.slice(0, S.burst).map((c) => `${c.slice(0, 3)} ${c.slice(3)}`));
  const { rows: statuses } = await w.pool.query<{ status: string; n: string }>(
    `SELECT l.status, count(*) AS n FROM letters l JOIN actions a ON a.id = l.action_id
      WHERE a.postal_code = ANY($1) AND l.target_id = 'mp' GROUP BY l.status`,
    [[...burstSet]],
  );
  const mp = Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]));

  const bench = `Uncached burst (${n0(S.burst)} distinct postal codes, Represent ${S.representPerMinute}/min)`;
  row({ bench, figure: 'seconds for all', value: n1(burstSeconds), floor: '', bar: '< 10', pass: burstSeconds < 10 });
  row({ bench, figure: 'accepted (202); actions stored', value: `${n0(countStatus(burst, '202'))} / ${n0(S.burst)}; ${n0(stored)}`, floor: '', bar: 'all', pass: countStatus(burst, '202') === S.burst && burst.errors === 0 && stored === S.burst });
  row({ bench, figure: 'p99 latency (ms)', value: n0(burst.p99), floor: '', bar: '', pass: null });
  row({ bench, figure: 'Represent requests (this burst; whole run)', value: `${duringBurst}; ${w.represent.count()}`, floor: '', bar: `≤ ${S.representPerMinute} in any 60 s`, pass: null });
  row({ bench, figure: 'Represent over-limit answers (503)', value: String(w.represent.overLimitAnswers()), floor: '', bar: '0', pass: w.represent.overLimitAnswers() === 0 });
  row({ bench, figure: 'most lookups of one postal code', value: String(mostLookups), floor: '', bar: '≤ 1', pass: mostLookups <= 1 });
  row({ bench, figure: 'MP letters: queued / awaiting_lookup', value: `${n0(mp.queued ?? 0)} / ${n0(mp.awaiting_lookup ?? 0)}`, floor: '', bar: '', pass: null });
}

async function redisUsedMemory(redis: IORedis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

async function benchMemory(w: World): Promise<void> {
  const target = S.memorySubmissions;
  say(`memory: up to ${n0(target)} submissions at full speed, at most ${S.memorySeconds} s (worker stopped)`);
  const lettersKey = `${w.prefix}:letters`;
  const waitingBefore = await w.redis.llen(`${lettersKey}:wait`);
  const redisBefore = await redisUsedMemory(w.redis);
  const actionsBefore = await count(w, 'SELECT count(*) AS n FROM actions');
  await analyze(w);
  const webBefore = memoryOf(w.web.pid);
  const url = `http://127.0.0.1:${w.webPort}/api/campaigns/xinjiang/actions`;

  // In slices, so the run stops at the time cap and the web's RSS is seen along the way.
  const started = Date.now();
  let answered = 0;
  let ok = 0;
  let bad = 0;
  const trail: Array<{ done: number; rssMb: number }> = [];
  while (answered < target && Date.now() - started < S.memorySeconds * 1000) {
    const slice = await load({ url, connections: S.connections, amount: Math.min(2500, target - answered), body: () => supporter() });
    answered += slice.requests;
    ok += countStatus(slice, '202');
    bad += slice.non2xx + slice.errors;
    trail.push({ done: answered, rssMb: memoryOf(w.web.pid).rssMb });
    say(`memory: ${n0(answered)} submitted, this slice ${n0(slice.perSecond)}/s, p99 ${n0(slice.p99)} ms, web RSS ${n0(trail[trail.length - 1].rssMb)} MB`);
    if (slice.requests === 0) break;
    await analyze(w);
  }
  const seconds = (Date.now() - started) / 1000;
  w.accepted += ok;
  const webAfter = memoryOf(w.web.pid);
  await sleep(500);
  const redisAfter = await redisUsedMemory(w.redis);
  const waitingAfter = await w.redis.llen(`${lettersKey}:wait`);
  const queuedLetters = waitingAfter - waitingBefore;
  const stored = (await count(w, 'SELECT count(*) AS n FROM actions')) - actionsBefore;

  // Job hashes of a sample of the queued letters: their size, and that they carry an id only.
  const sample = await w.redis.lrange(`${lettersKey}:wait`, 0, 199);
  let hashBytes = 0;
  let idsOnly = 0;
  for (const jobId of sample) {
    hashBytes += Number(await w.redis.call('MEMORY', 'USAGE', `${lettersKey}:${jobId}`, 'SAMPLES', '0'));
    const data = await w.redis.hget(`${lettersKey}:${jobId}`, 'data');
    const keys = data ? Object.keys(JSON.parse(data) as object) : [];
    if (keys.length === 1 && keys[0] === 'letterId') idsOnly += 1;
  }

  say(`memory: the worker delivers from the backlog for ${S.workerSeconds} s`);
  w.sendgrid.reset();
  const worker = startService(w, 'worker');
  await sleep(S.workerSeconds * 1000);
  const workerMemory = memoryOf(worker.pid);
  const sentMeanwhile = w.sendgrid.acceptedAt().length;
  await worker.stop();

  const short = answered < target;
  if (short) say(`memory: stopped at ${n0(answered)} of ${n0(target)} submissions (BENCH_MEMORY_SECONDS=${S.memorySeconds}); the figures below are after ${n0(answered)}`);
  const bench = short ? `Memory (${n0(answered)} of ${n0(target)} submissions: ${S.memorySeconds} s cap)` : `Memory (${n0(answered)} submissions)`;
  const at = (fraction: number) => trail[Math.max(0, Math.ceil(trail.length * fraction) - 1)];
  const path_ = [0.25, 0.5, 0.75].map(at).filter(Boolean).map((p) => `${n0(p.rssMb)} @${n0(p.done / 1000)}k`).join(', ');
  row({ bench, figure: 'submissions/s; non-2xx; actions stored', value: `${n0(answered / seconds)}; ${bad}; ${n0(stored)} of ${n0(ok)}`, floor: '', bar: '0 non-2xx, all stored', pass: bad === 0 && stored === ok });
  row({ bench, figure: 'web RSS after (MB)', value: `${n0(webAfter.rssMb)} (before ${n0(webBefore.rssMb)}; ${path_}; peak ${n0(webAfter.peakMb)})`, floor: '', bar: '≤ 200', pass: webAfter.rssMb <= 200 });
  row({ bench, figure: `worker RSS after ${S.workerSeconds} s on the backlog (MB)`, value: `${n0(workerMemory.rssMb)} (peak ${n0(workerMemory.peakMb)}; ${n0(sentMeanwhile)} sent)`, floor: '', bar: '', pass: null });
  row({ bench, figure: 'Redis bytes per queued letter: job hash', value: `${n0(hashBytes / Math.max(1, sample.length))} (MEMORY USAGE, ${sample.length} jobs)`, floor: '', bar: '', pass: null });
  row({ bench, figure: 'Redis bytes per queued letter: all keys', value: `${n0((redisAfter - redisBefore) / Math.max(1, queuedLetters))} (used_memory delta / ${n0(queuedLetters)} letters)`, floor: '', bar: '', pass: null });
  row({ bench, figure: 'sampled jobs whose data is {letterId} only', value: `${idsOnly} / ${sample.length}`, floor: '', bar: 'all', pass: sample.length > 0 && idsOnly === sample.length });
}

async function main(): Promise<number> {
  const started = Date.now();
  // The fake Represent reads its recordings from ../fixtures beside its compiled file.
  const fixtures = path.join(DIST, 'test', 'fixtures');
  if (!fs.existsSync(fixtures)) fs.symlinkSync(path.join(ROOT, 'test', 'fixtures'), fixtures, 'dir');
  const { startFakeRepresent } = await import('../test/fakes/fakeRepresent');

  const hex = randomBytes(4).toString('hex');
  const w = { children: new Set<Child>(), accepted: 0 } as World;
  w.dbName = `dearmp_bench_${hex}`;
  w.prefix = `dearmpbench${hex}`;
  w.logFile = path.join(os.tmpdir(), `dearmp-bench-${hex}.log`);
  w.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-bench-data-'));
  w.redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });

  let failed = false;
  let machine = `${os.cpus().length} cores, node ${process.version}`;
  let runSteal: ReturnType<typeof machineSteal> | null = null;
  const cleanup = async () => {
    for (const child of [...w.children]) await child.stop(5000).catch(() => undefined);
    await w.pool?.end().catch(() => undefined);
    await deleteKeys(w.redis, `${w.prefix}*`).catch(() => undefined);
    w.redis.disconnect();
    if (w.dbUrl) await dropDatabase(w.dbName).catch((e: unknown) => say(`could not drop ${w.dbName}: ${String(e)}`));
    await w.represent?.close().catch(() => undefined);
    await w.sendgrid?.close().catch(() => undefined);
    fs.rmSync(w.dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    say('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    say(`logs of the processes: ${w.logFile}`);
    w.dbUrl = await createDatabase(w.dbName);
    w.pool = new Pool({ connectionString: w.dbUrl, max: 2 });
    const pgVersion = (await w.pool.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    const redisVersion = /^redis_version:(\S+)/m.exec(await w.redis.info('server'))?.[1] ?? '?';
    machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${n1(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, PostgreSQL ${pgVersion}, Redis ${redisVersion}; load average at start ${os.loadavg().map(n1).join(' ')}`;
    say(machine);
    const autovacuum = (await w.pool.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0].autovacuum;
    w.analyzeByHand = autovacuum !== 'on' && S.analyze;
    machine += `; PostgreSQL autovacuum ${autovacuum}${w.analyzeByHand ? ' (the bench runs ANALYZE between benches and memory slices, as autovacuum would)' : autovacuum !== 'on' ? ' and BENCH_ANALYZE=0: no ANALYZE at all' : ''}`;
    // Other work on the machine skews every figure: wait a little for it to calm down.
    let busy = await machineBusy(2000);
    const quietDeadline = Date.now() + S.quietWaitSeconds * 1000;
    if (busy > 0.15) say(`${n0(busy * 100)}% of the machine's CPU is busy with other work: waiting up to ${S.quietWaitSeconds} s for it to calm down`);
    while (busy > 0.15 && Date.now() < quietDeadline) busy = await machineBusy(2000);
    machine += `; CPU busy with other work before start ${n0(busy * 100)}%`;
    runSteal = machineSteal();
    if (busy > 0.15) say(`warning: ${n0(busy * 100)}% of the machine's CPU was busy with other work before the bench: figures will be low and noisy`);
    w.represent = await startFakeRepresent();
    w.represent.setRateLimit(S.representPerMinute);
    const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'represent', 'postcode-M5V3L9-single-mp.json'), 'utf8')) as object;
    w.burstCodes = distinctPostalCodes(S.burst, new Set(['M5V3L9', 'G0A1A0', 'K0A1K0']));
    for (const code of w.burstCodes) w.represent.addPostcode({ ...template, code });
    w.sendgrid = await startSlowSendgrid(S.sendgridDelayMs);

    const flags = (role: 'web' | 'worker') => nodeFlagsOf(role).join(' ') || 'none';
    machine += `; node flags (npm run start:web / start:worker): ${flags('web')} / ${flags('worker')}`;
    say(`the service starts as npm run start:web and start:worker do, node flags: ${flags('web')} / ${flags('worker')}`);
    w.webPort = await freePort();
    w.web = startService(w, 'web');
    await waitForHttp(`http://127.0.0.1:${w.webPort}/healthz`, w.web, 60_000, 200);
    // The one Represent lookup of M5V3L9: from now on its MP is cached.
    const warm = await fetch(`http://127.0.0.1:${w.webPort}/api/campaigns/xinjiang/representatives?postalCode=M5V3L9`);
    if (warm.status !== 200) throw new Error(`looking up M5V3L9 answered ${warm.status}`);

    await benchDelivery(w);
    await benchSubmissions(w);
    await benchBurst(w);
    await benchMemory(w);

    // The worker of the memory bench resolved some waiting lookups too: Represent's whole-run record.
    const byPath = new Map<string, number>();
    for (const u of w.represent.requests()) byPath.set(u.split('?')[0], (byPath.get(u.split('?')[0]) ?? 0) + 1);
    const most = Math.max(0, ...byPath.values());
    row({ bench: 'Whole run', figure: 'Represent: requests; over-limit answers; most lookups of one code', value: `${w.represent.count()}; ${w.represent.overLimitAnswers()}; ${most}`, floor: '', bar: '—; 0; ≤ 1', pass: w.represent.overLimitAnswers() === 0 && most <= 1 });
  } catch (error) {
    failed = true;
    say(`the bench could not finish: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    say(`logs of the processes: ${w.logFile}`);
  } finally {
    await cleanup();
  }

  say(`done in ${n0((Date.now() - started) / 1000)} s`);
  const stolen = runSteal ? `; CPU taken by the hypervisor during the run (steal) ${n0(stolenBetween(runSteal, machineSteal()) * 100)}%` : '';
  process.stdout.write(`\nnpm run bench: ${machine}; at end ${os.loadavg().map(n1).join(' ')}${stolen}; ${n0((Date.now() - started) / 1000)} s\n`);
  printTable();
  const missed = rows.filter((r) => r.pass === false);
  if (failed) process.stdout.write('The bench did not finish: see above.\n');
  else if (missed.length > 0) process.stdout.write(`${missed.length} bar(s) missed: ${missed.map((r) => `${r.bench} · ${r.figure}`).join('; ')}\n`);
  else process.stdout.write('Every bar met.\n');
  return failed ? 2 : missed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${String(error)}\n`);
    process.exit(2);
  },
);
