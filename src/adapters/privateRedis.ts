// `npm start` on a fresh machine: Redis is the one thing the service cannot embed. If none is
// configured and none answers locally, start a private redis-server under DATA_DIR (keeping
// its data, so queued jobs survive a restart) and stop it on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class RedisMissingError extends Error {}

export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface PrivateRedis {
  url: string;
  stop(): void;
}

export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  const binary = onPath('redis-server');
  if (!binary) {
    throw new RedisMissingError(
      'Redis is needed and none is running on 127.0.0.1:6379. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) ' +
        'and run npm start again, or set REDIS_URL to a Redis you already have.',
    );
  }
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  for (let i = 0; i < 50; i += 1) {
    if (await redisAnswers('127.0.0.1', port)) return { url: `redis://127.0.0.1:${port}`, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new RedisMissingError(`The private redis-server did not start; see ${path.join(dir, 'redis.log')}.`);
}
