// What `npm start` runs on a fresh machine: the embedded PGlite database under DATA_DIR and the
// local outbox instead of SendGrid, end to end through HTTP and the real worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../src/adapters/migrate';
import { MIGRATIONS_DIR } from '../../src/paths';
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';

let dataDir: string;
let service: TestService;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-embedded-'));
  // Empty values mean "unset": no PostgreSQL, no SendGrid.
  service = await startTestService({ env: { DATABASE_URL: '', SENDGRID_API_KEY: '', DATA_DIR: dataDir } });
});
afterAll(async () => {
  await service?.close(); // undefined when the start itself failed: report that, not this
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('stores the action in the embedded database and writes each letter to the outbox as an .eml file', async () => {
  expect(fs.existsSync(path.join(dataDir, 'db'))).toBe(true);
  const person = supporter();
  const res = await service.submitted(person);
  const ids = res.letters.map((l) => l.id);
  await Promise.all(ids.map((id) => service.waitForLetter(id, 'accepted')));

  // Each letter, and the supporter's receipt (its own id: never a letter's).
  // Whole copies only (one being written is a .part until it is renamed).
  const outbox = () => fs.readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml')).sort();
  const files = await eventually(async () => outbox(), (f) => f.length === 3, { what: 'two letters and a receipt in the outbox' });
  expect(files).toEqual([...ids.map((id) => `${id}.eml`), `receipt-${res.id}.eml`].sort());
  const mp = fs.readFileSync(path.join(dataDir, 'outbox', `${ids[0]}.eml`), 'utf8');
  expect(mp).toMatch(/^To: Chi Nguyen <chi\.nguyen@parl\.gc\.ca>$/m);
  expect(mp).toMatch(/^From: Mei Tursun via Example Human Rights Organisation\s+<letters@example\.org>$/m); // a long header is folded
  expect(mp).toMatch(new RegExp(`^Reply-To: Mei Tursun <${person.email.replace('.', '\\.')}>$`, 'm'));
  expect(mp).toContain('Content-Type: text/html');
  expect(service.sendgrid.requestCount()).toBe(0);

  // Nothing was sent: the supporter's page says where the letters went, never "sent".
  const page = await request(service.app).get(`/actions/${res.id}`).query({ token: res.token }).expect(200);
  expect(page.text).toContain('Written to the outbox of this test installation');
  expect(page.text).not.toContain('Sent: our mail service');
  const fr = await request(service.app).get(`/actions/${res.id}`).query({ token: res.token, lang: 'fr' }).expect(200);
  expect(fr.text).toContain('Écrite dans la boîte d’envoi');
});

it('applies each migration once, however often the service starts', async () => {
  expect(await migrate(service.deps.db, MIGRATIONS_DIR)).toEqual([]);
  const { rows } = await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
  expect(rows[0].n).toBe(fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
});

it('keeps the letter event log append-only', async () => {
  await expect(service.deps.db.query("UPDATE letter_events SET type = 'rewritten'")).rejects.toThrow(/append-only/);
});
