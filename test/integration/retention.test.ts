// Retention: `retentionDays` after a campaign closes, its supporters' personal data is scrubbed
// (names, emails, addresses, paragraphs, consents, letter texts, outbox copies) while the rows
// that count stay (actions by province and riding, letters by recipient and status).
//
// The actions are taken through the HTTP API while the campaigns are open (service A); then the
// same database is opened with definitions whose end dates have passed (service B).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { applyRetention } from '../../src/domain/retention';
import { confirmAction } from '../../src/domain/confirmAction';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { daysFromNow, removeCampaignsDir, writeCampaignsDir } from '../helpers/campaignsDir';
import { readCampaignFolder } from '../../src/adapters/campaigns/campaignLoader';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const TOKEN = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

interface Taken {
  id: string;
  token: string;
  email: string;
  letterIds: string[];
}

let database: TestDatabase;
let dataDir: string;
let openDir: string;
let closedDir: string;
let service: TestService; // B: xinjiang ended 31 days ago, xinjiang-recent 10 days ago

const taken: Record<string, Taken[]> = { xinjiang: [], 'xinjiang-recent': [], 'xinjiang-petition': [] };
const both = supporter({ firstName: 'Dilnur', lastName: 'Abdulla', address: '5 Both Campaigns Road' });

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-retention-'));
  openDir = writeCampaignsDir({
    xinjiang: { from: 'xinjiang', set: { retentionDays: 30 } },
    'xinjiang-recent': { from: 'xinjiang', set: { retentionDays: 30 } },
    'xinjiang-petition': { from: 'xinjiang-petition' },
  });
  closedDir = writeCampaignsDir({
    xinjiang: { from: 'xinjiang', set: { retentionDays: 30, startsAt: daysFromNow(-90), endsAt: daysFromNow(-31) } },
    'xinjiang-recent': { from: 'xinjiang', set: { retentionDays: 30, startsAt: daysFromNow(-90), endsAt: daysFromNow(-10) } },
    'xinjiang-petition': { from: 'xinjiang-petition' },
  });

  // A: everything open; letters really sent (accepted) by the worker.
  const open = await startTestService({ database, env: { CAMPAIGNS_DIR: openDir, DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN } });
  try {
    const act = async (slug: string, body: ReturnType<typeof supporter>) => {
      const res = await open.submitted(body, slug);
      taken[slug].push({ id: res.id, token: res.token, email: body.email as string, letterIds: res.letters.map((l) => l.id) });
    };
    await act('xinjiang', supporter({ firstName: 'Gulbahar', lastName: 'Jalilova', address: '1 Private Lane' }));
    await act('xinjiang', supporter({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne', locale: 'fr', address: '2 rue Secrète' }));
    await act('xinjiang', both);
    await act('xinjiang-recent', supporter({ firstName: 'Recent', lastName: 'Writer', address: '3 Recent Road' }));
    await act('xinjiang-recent', supporter({ postalCode: 'K0A 1K0', district: 'Carleton', city: 'Carlsbad Springs' }));
    await act('xinjiang-petition', both);
    await act('xinjiang-petition', supporter({ firstName: 'Only', lastName: 'Signer' }));
    const letters = [...taken.xinjiang, ...taken['xinjiang-recent']].flatMap((a) => a.letterIds);
    expect(letters).toHaveLength(10);
    await Promise.all(letters.map((id) => open.waitForLetter(id, 'accepted')));
    // One of the two signatures confirmed.
    const { rows } = await open.deps.db.query<{ confirm_token: string }>('SELECT confirm_token FROM actions WHERE id = $1', [taken['xinjiang-petition'][0].id]);
    await confirmAction(open.web.pages.confirm, rows[0].confirm_token);
  } finally {
    await open.close();
  }

  // B: the same database; the campaigner publishes the dates that close the letter campaigns (the
  // folders, already imported, are left alone). No workers: the test runs the scrub.
  service = await startTestService({ database, workers: false, env: { CAMPAIGNS_DIR: openDir, DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN } });
  for (const slug of ['xinjiang', 'xinjiang-recent']) {
    await request(service.app).put(`/api/admin/campaigns/${slug}/draft`).set(auth).send(readCampaignFolder(path.join(closedDir, slug))).expect(200);
    await request(service.app).post(`/api/admin/campaigns/${slug}/publish`).set(auth).expect(200);
  }
}, 30_000);

afterAll(async () => {
  await service?.close();
  await database?.drop();
  for (const dir of [openDir, closedDir]) if (dir) removeCampaignsDir(dir);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const db = () => service.deps.db;
const rowsOf = async <T extends object>(sql: string, params: unknown[] = []) => (await db().query<T>(sql, params)).rows;

const actionsOf = (slug: string) =>
  rowsOf<Record<string, unknown>>('SELECT * FROM actions WHERE campaign_slug = $1 ORDER BY created_at, id', [slug]);
const lettersOf = (slug: string) =>
  rowsOf<Record<string, unknown>>('SELECT * FROM letters WHERE campaign_slug = $1 ORDER BY created_at, id', [slug]);
const consentsOf = (actionIds: string[]) => rowsOf<Record<string, unknown>>('SELECT * FROM consents WHERE action_id = ANY($1) ORDER BY id', [actionIds]);
const supporterByEmail = async (email: string) => (await rowsOf<Record<string, unknown>>('SELECT * FROM supporters WHERE email = $1', [email]))[0];

/** What the campaigner's stats show that must not change: counts. */
async function counts(slug: string) {
  const res = await request(service.app).get(`/api/admin/campaigns/${slug}/stats`).set(auth).expect(200);
  const { actions, letters, byProvince, byDistrict, perDay } = res.body;
  return { actions, letters, byProvince, byDistrict, perDay };
}

const outboxFile = (letterId: string) => path.join(dataDir, 'outbox', `${letterId}.eml`);

describe('retention', () => {
  it('states: xinjiang and xinjiang-recent closed since their end dates; the petition open', async () => {
    const states = await Promise.all(
      service.deps.campaigns.catalog.list().map(async (c) => [c.slug, (await service.deps.campaignStates.of(c)).status]),
    );
    expect(Object.fromEntries(states)).toEqual({ xinjiang: 'closed', 'xinjiang-recent': 'closed', 'xinjiang-petition': 'open' });
  });

  it('scrubs personal data of a campaign closed more than retentionDays ago, keeping what counts; runs once', async () => {
    const xinjiang = taken.xinjiang.map((a) => a.id);
    const xinjiangLetters = taken.xinjiang.flatMap((a) => a.letterIds);
    const recentLetters = taken['xinjiang-recent'].flatMap((a) => a.letterIds);
    // Copies in the local outbox (as the outbox mailer writes them).
    fs.mkdirSync(path.join(dataDir, 'outbox'), { recursive: true });
    for (const id of [...xinjiangLetters, ...recentLetters]) fs.writeFileSync(outboxFile(id), `To: someone\r\n\r\nLetter ${id}\r\n`);

    const before = {
      counts: await counts('xinjiang'),
      actions: await actionsOf('xinjiang'),
      letters: await lettersOf('xinjiang'),
      recent: { actions: await actionsOf('xinjiang-recent'), letters: await lettersOf('xinjiang-recent'), counts: await counts('xinjiang-recent') },
      petition: { actions: await actionsOf('xinjiang-petition'), consents: await consentsOf(taken['xinjiang-petition'].map((a) => a.id)) },
      recentConsents: await consentsOf(taken['xinjiang-recent'].map((a) => a.id)),
      supporters: await rowsOf<{ n: number }>('SELECT count(*)::int AS n FROM supporters'),
      erasures: await rowsOf<{ n: number }>('SELECT count(*)::int AS n FROM erasures'),
    };
    // The data really is there before.
    expect(before.actions).toHaveLength(3);
    expect(before.letters).toHaveLength(6);
    expect(before.letters.every((l) => l.status === 'accepted' && l.subject && l.body_text)).toBe(true);
    expect(await consentsOf(xinjiang)).toHaveLength(6);
    expect(before.counts.actions).toBe(3);
    expect(before.counts.letters.accepted).toBe(6);
    for (const a of taken.xinjiang) expect(await supporterByEmail(a.email)).toBeDefined();

    const result = await applyRetention(service.worker.maintenance.retention);
    expect(result).toEqual([{ slug: 'xinjiang', actions: 3 }]);

    // Actions stay, with what counts them; everything that identified the supporter is gone.
    const actions = await actionsOf('xinjiang');
    expect(actions).toHaveLength(3);
    for (const [i, a] of actions.entries()) {
      const was = before.actions[i];
      expect(a).toMatchObject({
        id: was.id,
        campaign_slug: 'xinjiang',
        province: was.province,
        district: was.district,
        created_at: was.created_at,
        locale: was.locale,
        supporter_id: null,
        postal_code: null,
        message: null,
        confirm_token: null,
      });
      expect(a.erased_at).toBeInstanceOf(Date);
      expect(a.token).not.toBe(was.token);
    }
    expect(actions.map((a) => a.district)).toEqual(expect.arrayContaining(['Spadina—Harbourfront', 'Portneuf—Jacques-Cartier']));
    expect(await consentsOf(xinjiang)).toEqual([]);

    // Letters keep recipient and status; subject and text are gone.
    const letters = await lettersOf('xinjiang');
    expect(letters).toHaveLength(6);
    for (const [i, l] of letters.entries()) {
      const was = before.letters[i];
      expect(l).toMatchObject({
        id: was.id,
        recipient_name: was.recipient_name,
        recipient_email: was.recipient_email,
        recipient_role: was.recipient_role,
        district: was.district,
        status: 'accepted',
        provider_message_id: was.provider_message_id,
        subject: null,
        body_text: null,
        body_html: null,
      });
    }
    for (const id of xinjiangLetters) expect(fs.existsSync(outboxFile(id))).toBe(false);

    // Supporters who acted only here are gone; the one who also signed the petition keeps their row and signature.
    const [only1, only2] = taken.xinjiang;
    expect(await supporterByEmail(only1.email)).toBeUndefined();
    expect(await supporterByEmail(only2.email)).toBeUndefined();
    const kept = await supporterByEmail(both.email);
    expect(kept).toMatchObject({ first_name: 'Dilnur', last_name: 'Abdulla' });
    expect(await actionsOf('xinjiang-petition')).toEqual(before.petition.actions);
    expect(await consentsOf(taken['xinjiang-petition'].map((a) => a.id))).toEqual(before.petition.consents);
    expect(before.petition.actions.find((a) => a.id === taken['xinjiang-petition'][0].id)?.supporter_id).toBe(kept.id);
    expect((await rowsOf<{ n: number }>('SELECT count(*)::int AS n FROM supporters'))[0].n).toBe(before.supporters[0].n - 2);

    // Nothing personal is left anywhere about the scrubbed supporters.
    const dump = JSON.stringify([
      await rowsOf('SELECT * FROM supporters'),
      await rowsOf("SELECT * FROM actions WHERE campaign_slug = 'xinjiang'"),
      await rowsOf("SELECT * FROM letters WHERE campaign_slug = 'xinjiang'"),
      await rowsOf('SELECT * FROM letter_events WHERE letter_id = ANY($1)', [xinjiangLetters]),
      await rowsOf('SELECT * FROM consents'),
      await rowsOf('SELECT * FROM erasures'),
    ]);
    for (const secret of [only1.email, 'Gulbahar', 'Jalilova', '1 Private Lane', only2.email, '2 rue Secrète', 'Ürümqi']) {
      expect({ secret, found: dump.includes(secret) }).toEqual({ secret, found: false });
    }

    // The counts the campaigner sees are unchanged.
    expect(await counts('xinjiang')).toEqual(before.counts);

    // The erasure is recorded: when, by whom (the retention rule), how many rows; never what.
    const erasures = await rowsOf<{ by: string; row_counts: Record<string, number> }>('SELECT by, row_counts FROM erasures ORDER BY id');
    expect(erasures).toHaveLength(before.erasures[0].n + 1);
    const last = erasures[erasures.length - 1];
    expect(last.by).toMatch(/^retention/);
    expect(last.by).toContain('xinjiang');
    expect(last.row_counts).toMatchObject({ actions: 3, supporters: 2, consents: 6, letters: 6, outbox_files: 6 });

    // The supporters' status links stop working.
    await request(service.app).get(`/api/actions/${only1.id}`).query({ token: only1.token }).expect(404);

    // The campaign closed 10 days ago (retention 30) and the open petition are untouched.
    expect(await actionsOf('xinjiang-recent')).toEqual(before.recent.actions);
    expect(await lettersOf('xinjiang-recent')).toEqual(before.recent.letters);
    expect(await consentsOf(taken['xinjiang-recent'].map((a) => a.id))).toEqual(before.recentConsents);
    expect(await counts('xinjiang-recent')).toEqual(before.recent.counts);
    for (const a of taken['xinjiang-recent']) expect(await supporterByEmail(a.email)).toBeDefined();
    for (const id of recentLetters) expect(fs.existsSync(outboxFile(id))).toBe(true);
    expect(await supporterByEmail(taken['xinjiang-petition'][1].email)).toBeDefined();

    // Running it again does nothing.
    const snapshot = JSON.stringify([await actionsOf('xinjiang'), await lettersOf('xinjiang'), await rowsOf('SELECT * FROM supporters ORDER BY id')]);
    expect(await applyRetention(service.worker.maintenance.retention)).toEqual([]);
    expect(JSON.stringify([await actionsOf('xinjiang'), await lettersOf('xinjiang'), await rowsOf('SELECT * FROM supporters ORDER BY id')])).toBe(snapshot);
    expect((await rowsOf<{ n: number }>('SELECT count(*)::int AS n FROM erasures'))[0].n).toBe(erasures.length);
  });
});
