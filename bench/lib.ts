// Plumbing for the bench: child processes, ports, resident memory, a database and a Redis prefix
// of its own, and autocannon runs. Everything talks to 127.0.0.1 only.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import autocannon from 'autocannon';
import type IORedis from 'ioredis';
import { Client } from 'pg';

export const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Runs `node ...nodeFlags <script> ...args` with exactly `env` (plus PATH), its output appended to `logFile`. */
export function spawnNode(
  name: string, script: string, args: string[], env: Record<string, string>, logFile: string, cwd: string, nodeFlags: string[] = [],
): Child {
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n===== ${name}: node ${[...nodeFlags, script, ...args].join(' ')} (${new Date().toISOString()})\n`);
  const proc = spawn(process.execPath, [...nodeFlags, script, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (proc.pid === undefined) throw new Error(`${name} did not start`);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    name,
    pid: proc.pid,
    process: proc,
    logFile,
    exited,
    async stop(graceMs = 25_000) {
      if (done) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resolves when `url` answers with `status` (any status when omitted); throws past `timeoutMs` or if the child exits. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000, status?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited while starting; see ${child.logFile}`);
    const got = await new Promise<number | null>((resolve) => {
      const req = http.get(url, { timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? null);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(null));
    });
    if (got !== null && (status === undefined || got === status)) return;
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms; see ${child.logFile}`);
}

/** Resident set size and its peak, in MB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createDatabase(name: string): Promise<string> {
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const dropDatabase = (name: string) => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

/** Deletes every key under `prefix` (SCAN, never KEYS); returns how many. */
export async function deleteKeys(redis: IORedis, match: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  let rounds = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
    rounds += 1;
  } while (cursor !== '0' && rounds < 1_000_000);
  return deleted;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  amount?: number;
  /** A fresh JSON body per request. */
  body: () => object;
  /** Each answer's status and body (e.g. to collect the ids of accepted actions). */
  onResponse?: (status: number, body: string) => void;
}

export interface LoadResult {
  requests: number;
  /** Seconds the load ran, from start to the last answer (wall clock). */
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  byStatus: Record<string, number>;
  /** Every answer's latency in ms, to merge runs exactly. */
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summarise(parts: Omit<LoadResult, 'perSecond' | 'p50' | 'p99' | 'max'>): LoadResult {
  const sorted = Float64Array.from(parts.latencies).sort();
  const list = Array.from(sorted);
  return {
    ...parts,
    perSecond: parts.requests / Math.max(1e-9, parts.seconds),
    p50: percentile(list, 50),
    p99: percentile(list, 99),
    max: list.length ? list[list.length - 1] : NaN,
  };
}

/** Several runs against one target taken as one: requests and seconds added, percentiles of all answers. */
export function combine(runs: LoadResult[]): LoadResult {
  const byStatus: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.byStatus)) byStatus[code] = (byStatus[code] ?? 0) + n;
  const sum = (k: 'requests' | 'seconds' | 'non2xx' | 'errors' | 'timeouts') => runs.reduce((a, r) => a + r[k], 0);
  return summarise({
    requests: sum('requests'),
    seconds: sum('seconds'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    byStatus,
    latencies: runs.flatMap((r) => r.latencies),
  });
}

/** POSTs JSON bodies with autocannon; the run's own counts, latencies in ms. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
        // A request stuck this long counts as an error rather than hanging the bench.
        timeout: 30,
        // Sampling every 100 ms, autocannon notices the end of an `amount` run within 100 ms.
        sampleInt: 100,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: JSON.stringify(options.body()) }),
            ...(options.onResponse ? { onResponse: (status: number, body: string) => options.onResponse?.(status, body) } : {}),
          },
        ],
      },
      (error, done) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastAnswer = process.hrtime.bigint();
    });
  });
  // autocannon's own `duration` is whole seconds, and it notices the end of an `amount` run only at
  // its next sampling tick: the run lasts from the start to the last answer.
  const seconds = Number(lastAnswer - started) / 1e9;
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const byStatus: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) byStatus[code] = stat.count ?? 0;
  return summarise({
    requests: answered,
    seconds,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    byStatus,
    latencies,
  });
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) used so far by the processes whose pid, name and command line
 * `which` accepts (a PostgreSQL backend's command line names its database).
 */
export function cpuSecondsOf(which: (pid: number, name: string, commandLine: string) => boolean): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const commandLine = name.startsWith('postgres') ? fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') : '';
      if (!which(Number(entry), name, commandLine)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** The whole machine's busy and total CPU seconds so far (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const { ticks, total } = procStatCpu();
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle, iowait
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** The first line of /proc/stat: ticks by kind (user, nice, system, idle, iowait, irq, softirq, steal, …) and their sum. */
function procStatCpu(): { ticks: number[]; total: number } {
  const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return { ticks, total: ticks.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) };
}

/**
 * CPU time the hypervisor gave to other machines while this one wanted it (`steal` in /proc/stat),
 * in seconds summed over all cores, and the machine's total: on a shared host this moves every
 * figure, the floor's as much as the service's.
 */
export function machineSteal(): { steal: number; total: number } {
  const { ticks, total } = procStatCpu();
  return { steal: (ticks[7] ?? 0) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** Share of the machine's CPU taken by the hypervisor between two readings of machineSteal (0–1). */
export const stolenBetween = (a: { steal: number; total: number }, b: { steal: number; total: number }): number =>
  (b.steal - a.steal) / Math.max(1e-9, b.total - a.total);

/** Share of the machine's CPU busy over the next `ms` (0–1): other work that would skew the figures. */
export async function machineBusy(ms: number): Promise<number> {
  const a = machineCpu();
  await sleep(ms);
  const b = machineCpu();
  return (b.busy - a.busy) / Math.max(1e-9, b.total - a.total);
}
