// What a newcomer sees at start: where the database, Redis and the mail go, one human line each;
// and for their first mistakes, one line naming the setting, a non-zero exit code, no stack
// trace. The service runs as operators run it (the build, a real process).
import fs from 'node:fs';
import net from 'node:net';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/eventually';
import { freePort, startProcess } from './processes';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
  fs.rmSync(`/tmp/dearmp-startup-${process.pid}`, { recursive: true, force: true });
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function failsWith(env: Record<string, string>, line: RegExp): Promise<void> {
  const service = startProcess('web', { REDIS_PREFIX: `startup${process.pid}`, ...env });
  expect(await service.exited).toBe(1);
  const said = service.output();
  expect(said).toMatch(line);
  expect(said).not.toMatch(/\n\s+at /); // no stack trace
  // Besides JSON log lines (a warning), exactly one line of text.
  expect(said.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'))).toHaveLength(1);
}

it('PORT already in use', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, resolve));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    await failsWith({ PORT: String(port), DATABASE_URL: database.url, REDIS_URL }, new RegExp(`PORT ${port} is already in use`));
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
}, 30_000);

it('DATABASE_URL unreachable, without its password', async () => {
  const port = await freePort();
  const url = `postgres://dearmp:s3cret-pass@127.0.0.1:${port}/test`;
  await failsWith({ PORT: String(await freePort()), DATABASE_URL: url, REDIS_URL }, new RegExp(`DATABASE_URL \\(127\\.0\\.0\\.1:${port}/test\\) cannot be reached`));
  const again = startProcess('web', { PORT: String(await freePort()), DATABASE_URL: url, REDIS_URL });
  await again.exited;
  expect(again.output()).not.toContain('s3cret-pass');
}, 30_000);

it('Redis unreachable in web mode', async () => {
  const port = await freePort();
  await failsWith({ PORT: String(await freePort()), DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}` }, new RegExp(`REDIS_URL \\(127\\.0\\.0\\.1:${port}\\) does not answer`));
}, 30_000);

describe('the start-up lines', () => {
  const start = async (format: Record<string, string>) => {
    const port = await freePort();
    const service = startProcess('all', { PORT: String(port), DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: `startup${process.pid}`, LOG_LEVEL: 'info', DATA_DIR: `/tmp/dearmp-startup-${process.pid}`, ...format });
    await eventually(async () => service.output(), (out) => out.includes('is listening'), { timeoutMs: 20_000, what: 'the service to listen' });
    service.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    return service.output();
  };

  it('says where everything is in one human line each with LOG_FORMAT=pretty', async () => {
    const out = await start({ LOG_FORMAT: 'pretty' });
    const where = new URL(database.url);
    expect(out).toContain(`Database: PostgreSQL at 127.0.0.1:${where.port || 5432}${where.pathname}`);
    expect(out).toMatch(/Redis: 127\.0\.0\.1:\d+ \(keys under "startup\d+:"\)/);
    expect(out).toMatch(/Mail: written to the outbox in \/tmp\/dearmp-startup-\d+\/outbox, not sent/);
    expect(out).not.toMatch(/^\{/m);
  }, 30_000);

  it('writes JSON when stdout is not a terminal and nothing is asked', async () => {
    const out = await start({});
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^Database: PostgreSQL at /), expect.stringMatching(/^Mail: written to the outbox/)]));
  }, 30_000);
});
