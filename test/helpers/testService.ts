// The real service (real PostgreSQL, real Redis, real BullMQ workers) wired to the fake outside
// services, for integration tests through HTTP. Each instance has its own database and Redis
// prefix, so test files run side by side.
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createLogger } from '../../src/adapters/logger';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { buildAdapters, webDeps, workerDeps, type Adapters } from '../../src/deps';
import type { AppDeps } from '../../src/app';
import { startWorkers, type RunningWorkers, type WorkerDeps } from '../../workers';
import { createTestDatabase, type TestDatabase } from './database';
import { eventually } from './eventually';
import { startFakeRepresent, type FakeRepresent } from '../fakes/fakeRepresent';
import { startFakeSendgrid, type FakeSendgrid } from '../fakes/fakeSendgrid';
import { confirmationEmailId, isServiceEmailId } from '../../src/domain/supporterEmails';

/** A receipt or a note to a supporter (not a letter, not a confirmation request). */
export const receiptOrNote = (id: string): boolean => isServiceEmailId(id) && !id.startsWith(confirmationEmailId(''));

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestService {
  app: Express;
  /** Every adapter (the database, Redis, queues, repositories…). */
  deps: Adapters;
  /** What the web role's routes use (the use cases' dependencies, as wired). */
  web: AppDeps;
  /** What the worker role's processors use. */
  worker: WorkerDeps;
  represent: FakeRepresent;
  sendgrid: FakeSendgrid;
  database: TestDatabase;
  prefix: string;
  workers: RunningWorkers | null;
  startWorkers(): Promise<RunningWorkers>;
  /**
   * The action a supporter's email took on a campaign, as stored: its id, status token, confirmation
   * token and letters. The answer to a submission carries none of them (it must not tell anyone).
   */
  actionOf(email: string, slug?: string): Promise<StoredActionIds>;
  /** POST /api/campaigns/:slug/actions (202 expected), and the action it stored. */
  submit(body: Record<string, unknown>, slug?: string): Promise<{ res: request.Response; action: StoredActionIds }>;
  /**
   * The same, as one record: the stored action's id and token, and each letter of the answer
   * (recipient, subject) with its stored id, in order.
   */
  submitted(body: Record<string, unknown>, slug?: string): Promise<Submitted>;
  letter(id: string): Promise<LetterRow>;
  waitForLetter(id: string, status: string | string[], timeoutMs?: number): Promise<LetterRow>;
  close(): Promise<void>;
}

export interface StoredActionIds {
  id: string;
  token: string;
  confirmToken: string | null;
  letterIds: string[];
}

export interface Submitted {
  res: request.Response;
  id: string;
  token: string;
  confirmToken: string | null;
  letters: Array<{ id: string; recipient: { name: string | null; role: string; district?: string }; subject: string | null }>;
}

export interface LetterRow {
  id: string;
  status: string;
  status_reason: string | null;
  provider_message_id: string | null;
  recipient_email: string | null;
  recipient_name: string | null;
  subject: string | null;
  body_text: string | null;
  attempts: number;
}

export interface TestServiceOptions {
  env?: Record<string, string>;
  /** Start the workers right away (default true). */
  workers?: boolean;
  /** Share fakes or a database between services (e.g. a web and a worker with different Redis). */
  represent?: FakeRepresent;
  sendgrid?: FakeSendgrid;
  database?: TestDatabase;
  redisUrl?: string;
  prefix?: string;
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const represent = options.represent ?? (await startFakeRepresent());
  // Receipts and notes to supporters are kept apart: tests of letters (and of confirmation emails) count those.
  const sendgrid = options.sendgrid ?? (await startFakeSendgrid({ setAside: receiptOrNote }));
  const database = options.database ?? (await createTestDatabase());
  const prefix = options.prefix ?? `t${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    REDIS_PREFIX: prefix,
    REPRESENT_URL: represent.url,
    REPRESENT_TIMEOUT_MS: '500',
    // A test that fails Represent on purpose opens the breaker: the next test finds it closed again soon.
    REPRESENT_BREAKER_OPEN_MS: '200',
    SENDGRID_API_KEY: sendgrid.apiKey,
    SENDGRID_API_URL: sendgrid.url,
    // Long enough that a throttled machine does not time out a send the fake already accepted
    // (which would send it again); the hang test waits this long once.
    SENDGRID_TIMEOUT_MS: '5000',
    MAIL_FROM: 'Example Letters <letters@example.org>',
    PUBLIC_URL: 'https://act.example.org',
    DELIVERY_BACKOFF_MS: '50',
    LOOKUP_RETRY_MS: '100',
    SWEEP_INTERVAL_MS: '300',
    // Every request of a test comes from 127.0.0.1; the per-visitor limits have tests of their own.
    SUBMIT_RATE_PER_IP_PER_MIN: '100000',
    SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN: '100000',
    LOOKUP_RATE_PER_IP_PER_MIN: '100000',
    ADMIN_AUTH_FAILURES_PER_IP_PER_MIN: '100000',
    REPRESENT_VISITOR_SHARE_PERCENT: '100',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const deps = await buildAdapters(config, createLogger(config.logLevel));
  const web = webDeps(deps);
  const worker = workerDeps(deps);
  const app = createApp(web);

  const service: TestService = {
    app,
    deps,
    web,
    worker,
    represent,
    sendgrid,
    database,
    prefix,
    workers: null,
    async startWorkers() {
      service.workers = await startWorkers(worker);
      return service.workers;
    },
    async actionOf(email, slug = 'xinjiang') {
      const found = await eventually(
        async () =>
          (
            await deps.db.query<{ id: string; token: string; confirm_token: string | null }>(
              `SELECT a.id, a.token, a.confirm_token FROM actions a JOIN supporters s ON s.id = a.supporter_id
                WHERE s.email = lower($1) AND a.campaign_slug = $2`,
              [email.trim(), slug],
            )
          ).rows[0],
        (row) => row !== undefined,
        { timeoutMs: 5000, what: `the action of ${email} on ${slug}` },
      );
      const letters = await deps.db.query<{ id: string }>('SELECT id FROM letters WHERE action_id = $1 ORDER BY position', [found.id]);
      return { id: found.id, token: found.token, confirmToken: found.confirm_token, letterIds: letters.rows.map((l) => l.id) };
    },
    async submit(body, slug = 'xinjiang') {
      const res = await request(app).post(`/api/campaigns/${slug}/actions`).send(body);
      if (res.status !== 202) throw new Error(`expected 202 from POST /api/campaigns/${slug}/actions, got ${res.status}: ${JSON.stringify(res.body)}`);
      return { res, action: await service.actionOf(String(body.email), slug) };
    },
    async submitted(body, slug = 'xinjiang') {
      const { res, action } = await service.submit(body, slug);
      const letters = (res.body.letters as Array<Omit<Submitted['letters'][number], 'id'>>).map((l, i) => ({ ...l, id: action.letterIds[i] }));
      return { res, id: action.id, token: action.token, confirmToken: action.confirmToken, letters };
    },
    async letter(id) {
      const { rows } = await deps.db.query<LetterRow>('SELECT * FROM letters WHERE id = $1', [id]);
      return rows[0];
    },
    waitForLetter(id, status, timeoutMs = 10_000) {
      const wanted = Array.isArray(status) ? status : [status];
      return eventually(() => service.letter(id), (l) => !!l && wanted.includes(l.status), { timeoutMs, what: `letter ${id} to be ${wanted.join('|')}` });
    },
    async close() {
      await service.workers?.close();
      await deleteKeys(deps, prefix);
      await deps.close();
      if (!options.database) await database.drop();
      if (!options.represent) await represent.close();
      if (!options.sendgrid) await sendgrid.close();
    },
  };
  if (options.workers !== false) await service.startWorkers();
  return service;
}

async function deleteKeys(deps: Adapters, prefix: string): Promise<void> {
  if (deps.redis.status !== 'ready') return;
  let cursor = '0';
  do {
    const [next, keys] = await deps.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await deps.redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A valid action body; override what a test is about. */
export const supporter = (overrides: Record<string, unknown> = {}) => ({
  firstName: 'Mei',
  lastName: 'Tursun',
  email: `mei.${randomBytes(3).toString('hex')}@example.com`,
  postalCode: 'm5v 3l9',
  address: '12 Front Street West, Apt 4',
  city: 'Toronto',
  message: 'My cousin in Ürümqi has not answered a call since 2019. <Please> act & reply.',
  locale: 'en',
  consent: { updates: true },
  ...overrides,
});
