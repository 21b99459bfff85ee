// The service as real processes (the compiled build, as operators run it), for drills that kill,
// stop and restart things. `npm test` builds first; run `npm run build` before running these alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { eventually } from '../helpers/eventually';
import type { TestService } from '../helpers/testService';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function startProcess(role: 'web' | 'worker' | 'all', env: Record<string, string>): ServiceProcess {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does).`);
  let output = '';
  const child = spawn(process.execPath, [MAIN, role], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exited, kill: (signal) => child.kill(signal) };
}

/** Resolves once something answers HTTP on the port. */
export async function listening(port: number, timeoutMs = 20_000): Promise<void> {
  await eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        async (res) => (await res.body?.cancel(), true),
        () => false,
      ),
    Boolean,
    { timeoutMs, intervalMs: 100, what: `something to answer HTTP on port ${port}` },
  );
}

/**
 * The settings of a worker process working for a test service (same database, Redis prefix and
 * fakes), with quick retries; `extra` adds or overrides.
 */
export function workerEnv(service: TestService, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: service.database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: service.prefix,
    REPRESENT_URL: service.represent.url,
    SENDGRID_API_KEY: service.sendgrid.apiKey,
    SENDGRID_API_URL: service.sendgrid.url,
    MAIL_FROM: 'Example Letters <letters@example.org>',
    WORKER_CONCURRENCY: '10',
    DELIVERY_BACKOFF_MS: '200',
    SWEEP_INTERVAL_MS: '300',
    ...extra,
  };
}
