// The action store under concurrency, on real PostgreSQL and on PGlite: create() stores many
// submissions per statement (group commit) and must keep the semantics of one transaction each.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPglite, openPostgres, type Db } from '../../src/adapters/db';
import { migrate } from '../../src/adapters/migrate';
import { actionsRepo } from '../../src/adapters/store/actionsRepo';
import type { NewAction } from '../../src/domain/ports';
import { MIGRATIONS_DIR } from '../../src/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { normalisePostalCode } from '../../src/domain/postalCode';

const newAction = (email: string, firstName: string, campaignSlug = 'xinjiang', letters = 2): NewAction => ({
  id: randomUUID(),
  token: randomUUID(),
  campaignSlug,
  locale: 'en',
  supporter: { firstName, lastName: 'Tursun', email, address: '12 Front Street West', city: 'Toronto', province: 'ON', postalCode: normalisePostalCode('M5V 3L9')! },
  emailKey: email,
  message: 'In my own words.',
  district: 'Spadina—Harbourfront',
  districtChoice: null, campaignVersion: null, districtPending: false,
  confirmation: null,
  referralCode: randomUUID().slice(0, 12), referredBy: null, source: null,
  consents: [
    { purpose: 'send_letter', granted: true, wording: 'Sending this letter shares my details.', locale: 'en', pageUrl: null, ip: '127.0.0.1', userAgent: 'test' },
    { purpose: 'updates', granted: false, wording: 'Keep me informed.', locale: 'en', pageUrl: 'http://x/campaigns/xinjiang', ip: '127.0.0.1', userAgent: 'test' },
  ],
  letters: Array.from({ length: letters }, (_, position) => ({
    id: randomUUID(),
    targetId: position === 0 ? 'mp' : `fixed-${position}`,
    recipient: { name: `Recipient ${position}`, role: 'Member of Parliament', district: position === 0 ? 'Spadina—Harbourfront' : null, email: `r${position}@example.org` },
    role: 'Member of Parliament',
    rendered: { subject: `Subject ${position}`, text: `Dear ${firstName},\n\nText.`, html: `<p>Dear ${firstName},</p>` },
    status: 'queued',
    reason: null,
    office: position === 0 ? { level: 'federal', office: 'MP', legislature: 'federal', lookedUpAt: new Date() } : null,
  })),
});

describe.each([['PostgreSQL'], ['PGlite']])('actions stored together on %s', (engine) => {
  let db: Db;
  let other: Db | null = null;
  let database: TestDatabase | null = null;
  let dataDir: string | null = null;

  beforeAll(async () => {
    if (engine === 'PostgreSQL') {
      database = await createTestDatabase();
      db = await openPostgres(database.url);
      other = await openPostgres(database.url); // a second web process
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-store-'));
      db = await openPglite(dataDir);
    }
    await migrate(db, MIGRATIONS_DIR);
  });
  afterAll(async () => {
    await other?.close();
    await db.close();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns exactly what get() reads back, and null for a second action of the same email', async () => {
    const repo = actionsRepo(db);
    const first = newAction('same@example.org', 'First');
    const stored = await repo.create(first);
    expect(stored).not.toBeNull();
    expect(await repo.get(first.id)).toEqual(stored);
    expect(stored!.letters.map((l) => l.events.map((e) => e.type))).toEqual([['queued'], ['queued']]);

    const before = (await db.query('SELECT first_name, updated_at FROM supporters WHERE email_key = $1', ['same@example.org'])).rows;
    expect(await repo.create(newAction('same@example.org', 'Second'))).toBeNull();
    // The supporter's details stay those of the action that was stored.
    expect((await db.query('SELECT first_name, updated_at FROM supporters WHERE email_key = $1', ['same@example.org'])).rows).toEqual(before);
    const consents = (await db.query<{ wording_sha256: string }>('SELECT wording_sha256 FROM consents WHERE action_id = $1 ORDER BY id', [first.id])).rows;
    expect(consents.map((c) => c.wording_sha256)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
  });

  it('stores many concurrent submissions, one action per email and campaign, each supporter named as in a stored action', async () => {
    const repos = [actionsRepo(db), actionsRepo(other ?? db)];
    const submissions = Array.from({ length: 240 }, (_, i) => newAction(`p${i % 50}@example.org`, `Name${i}`, i % 6 === 0 ? 'other' : 'xinjiang', i % 9 === 0 ? 1 : 2));
    const results = await Promise.all(submissions.map((a, i) => repos[i % 2].create(a)));

    const stored = submissions.filter((_, i) => results[i] !== null);
    const wanted = new Set(submissions.map((a) => `${a.campaignSlug}/${a.emailKey}`));
    expect(stored.length).toBe(wanted.size);
    expect(new Set(stored.map((a) => `${a.campaignSlug}/${a.emailKey}`)).size).toBe(wanted.size);
    for (const [i, result] of results.entries()) {
      if (result) expect(await repos[0].get(submissions[i].id)).toEqual(result);
    }
    const { rows: supporters } = await db.query<{ email_key: string; first_name: string }>(
      "SELECT email_key, first_name FROM supporters WHERE email_key LIKE 'p%@example.org'",
    );
    for (const s of supporters) {
      expect(stored.filter((a) => a.emailKey === s.email_key).map((a) => a.supporter.firstName)).toContain(s.first_name);
    }
    const counts = (
      await db.query<{ letters: number; events: number; consents: number }>(
        `SELECT (SELECT count(*)::int FROM letters l JOIN actions a ON a.id = l.action_id JOIN supporters s ON s.id = a.supporter_id
                  WHERE s.email_key LIKE 'p%@example.org') AS letters,
                (SELECT count(*)::int FROM letter_events e JOIN letters l ON l.id = e.letter_id JOIN actions a ON a.id = l.action_id
                  JOIN supporters s ON s.id = a.supporter_id WHERE s.email_key LIKE 'p%@example.org') AS events,
                (SELECT count(*)::int FROM consents c JOIN supporters s ON s.id = c.supporter_id WHERE s.email_key LIKE 'p%@example.org') AS consents`,
      )
    ).rows[0];
    expect(counts.letters).toBe(stored.reduce((n, a) => n + a.letters.length, 0));
    expect(counts.events).toBe(counts.letters);
    expect(counts.consents).toBe(stored.length * 2);
  });
});
