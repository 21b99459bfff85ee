// Letters that outlive the people they were written to: a holder rechecked when a paced letter's
// turn comes, a dissolved Parliament holding its members' letters until the members elected are
// known, and a bounced address corrected for every campaign. Real queue, database and workers;
// Represent and SendGrid faked, the fake Represent answering with a new MP when the test says so.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { readCampaignFolder } from '../../src/adapters/campaigns/campaignLoader';
import { deliveryJobId } from '../../src/adapters/queues';
import { removeCampaignsDir, writeCampaignsDir } from '../helpers/campaignsDir';
import { eventually } from '../helpers/eventually';
import { postBounce, webhookKeys } from '../helpers/signedBounce';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const DAY_MS = 86400_000;
const ADMIN_TOKEN = 'elections-admin-token-0123456789abcdef';
const M5V3L9 = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'represent', 'postcode-M5V3L9-single-mp.json'), 'utf8')) as {
  representatives_centroid: Array<Record<string, unknown>>;
};

/** Represent's answer for M5V 3L9 once someone else is the riding's MP. */
function withNewMp(name: string, email: string) {
  return {
    ...M5V3L9,
    representatives_centroid: M5V3L9.representatives_centroid.map((rep) =>
      rep.elected_office === 'MP' ? { ...rep, name, first_name: name.split(' ')[0], last_name: name.split(' ')[1], email, gender: '' } : rep,
    ),
  };
}

const admin = (service: TestService) => ({
  post: (url: string) => request(service.app).post(url).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
  get: (url: string) => request(service.app).get(url).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
  put: (url: string) => request(service.app).put(url).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
});

const eventsOf = async (service: TestService, letterId: string) =>
  (await service.deps.db.query<{ type: string; reason: string | null }>('SELECT type, reason FROM letter_events WHERE letter_id = $1 ORDER BY id', [letterId])).rows;

const mailsFor = (service: TestService, letterId: string) =>
  service.sendgrid.accepted().filter((m) => m.body.personalizations[0].custom_args?.letter_id === letterId || m.body.custom_args?.letter_id === letterId);

describe('a paced letter’s turn comes after its MP changed', () => {
  let service: TestService;
  let dir: string;
  beforeAll(async () => {
    dir = writeCampaignsDir({ xinjiang: { from: 'xinjiang', set: { pacing: { perTargetPerHour: 1, officeHours: null } } } });
    service = await startTestService({ env: { CAMPAIGNS_DIR: dir } });
  });
  afterAll(async () => {
    await service.close();
    removeCampaignsDir(dir);
  });

  it('is looked up again past the recheck age, written again for the new MP, and its history says why', async () => {
    const first = await service.submitted(supporter());
    await service.waitForLetter(first.letters[0].id, 'accepted');
    // One letter an hour to each MP: the second supporter's waits for its slot.
    const second = await service.submitted(supporter());
    const mpLetter = second.letters[0].id;
    await eventually(
      async () => (await service.deps.db.query<{ planned_at: Date | null }>('SELECT planned_at FROM letters WHERE id = $1', [mpLetter])).rows[0].planned_at,
      (at) => at !== null && at.getTime() > Date.now() + 30 * 60_000,
      { what: 'the second letter to be paced an hour later' },
    );

    // A by-election meanwhile; and the slot comes eight days later (past the 7-day recheck age).
    service.represent.addPostcode(withNewMp('Jane Doe', 'jane.doe@parl.gc.ca'));
    const realNow = service.deps.clock.now;
    service.deps.clock.now = () => new Date(Date.now() + 8 * DAY_MS);
    try {
      await (await service.deps.queues.letters.getJob(deliveryJobId(mpLetter)))!.promote();
      const sent = await service.waitForLetter(mpLetter, 'accepted');
      expect(sent).toMatchObject({ recipient_name: 'Jane Doe', recipient_email: 'jane.doe@parl.gc.ca' });
      expect(sent.body_text).toContain('Dear Jane Doe,');
      const changed = (await eventsOf(service, mpLetter)).find((e) => e.type === 'recipient_changed');
      expect(changed?.reason).toBe('Chi Nguyen no longer holds the office: Represent now lists Jane Doe (MP, Spadina—Harbourfront), so the letter was written again for them.');
      const mails = mailsFor(service, mpLetter);
      expect(mails.map((m) => m.body.personalizations[0].to[0].email)).toEqual(['jane.doe@parl.gc.ca']);
    } finally {
      service.deps.clock.now = realNow;
      service.represent.addPostcode(M5V3L9);
    }
  });
});

describe('a dissolved Parliament', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { ADMIN_TOKEN } });
  });
  afterAll(async () => {
    service.represent.addPostcode(M5V3L9);
    await service.close();
  });

  it('holds its members’ letters (others go), says so on the pages, and after “sitting again” sends each held letter once, to the member elected', async () => {
    // A letter waiting for its MP when the election is called…
    service.represent.setMode('fail');
    const before = await service.submitted(supporter());
    expect((await service.letter(before.letters[0].id)).status).toBe('awaiting_lookup');

    const dissolved = await admin(service).post('/api/admin/legislatures/federal/dissolve').send({ electionDate: '2027-04-26' }).expect(200);
    expect(dissolved.body).toMatchObject({ legislature: { id: 'federal', status: 'dissolved', electionDate: '2027-04-26' }, held: 1 });
    expect((await service.letter(before.letters[0].id)).status).toBe('awaiting_election');

    // …and one written during the campaign: held at once; the minister's goes. Meanwhile a
    // supporter looks their MP up: the caches hold the member who lost the seat.
    service.represent.setMode('ok');
    const lookedUp = await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'M5V 3L9' }).expect(200);
    expect(lookedUp.body.representatives[0].name).toBe('Chi Nguyen');
    const during = await service.submitted(supporter());
    const held = await service.letter(during.letters[0].id);
    expect(held).toMatchObject({ status: 'awaiting_election', recipient_name: null });
    expect(held.status_reason).toBe('Parliament of Canada is dissolved for the election on 2027-04-26: the letter goes to whoever is elected.');
    await service.waitForLetter(during.letters[1].id, 'accepted');
    await service.waitForLetter(before.letters[1].id, 'accepted');

    const status = await request(service.app).get(`/api/actions/${during.id}`).query({ token: during.token }).expect(200);
    expect(status.body.letters[0]).toMatchObject({ status: 'awaiting_election', reason: held.status_reason });
    const page = await request(service.app).get(`/actions/${during.id}`).query({ token: during.token }).expect(200);
    expect(page.text).toContain('Waiting for the election');
    const action = await request(service.app).get('/campaigns/xinjiang').expect(200);
    expect(action.text).toContain('Parliament is dissolved for the election of April 26, 2027');
    const board = await admin(service).get('/api/admin/legislatures').expect(200);
    expect(board.body.legislatures).toEqual([expect.objectContaining({ id: 'federal', status: 'dissolved', waiting: 2 })]);

    // Another postal code of the riding, looked up during the campaign too: its cached answer names the old MP.
    service.represent.addPostcode({ ...M5V3L9, code: 'M5V3L6' });
    await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'M5V 3L6' }).expect(200);

    // Election day; Represent lists the member elected; the owner records Parliament sitting.
    service.represent.addPostcode(withNewMp('Jane Doe', 'jane.doe@parl.gc.ca'));
    service.represent.addPostcode({ ...withNewMp('Jane Doe', 'jane.doe@parl.gc.ca'), code: 'M5V3L6' });
    const sitting = await admin(service).post('/api/admin/legislatures/federal/sitting').expect(200);
    expect(sitting.body).toMatchObject({ legislature: { status: 'sitting' }, released: 2 });
    for (const id of [before.letters[0].id, during.letters[0].id]) {
      const letter = await service.waitForLetter(id, 'accepted');
      expect(letter).toMatchObject({ recipient_name: 'Jane Doe', recipient_email: 'jane.doe@parl.gc.ca' });
      expect(mailsFor(service, id)).toHaveLength(1);
    }
    // The MP who lost the seat heard nothing from this campaign after the dissolution.
    expect(service.sendgrid.accepted().filter((m) => m.body.personalizations[0].to[0].email === 'chi.nguyen@parl.gc.ca')).toHaveLength(0);
    const after = await admin(service).get('/api/admin/legislatures').expect(200);
    expect(after.body.legislatures).toEqual([expect.objectContaining({ id: 'federal', status: 'sitting', waiting: 0 })]);
    // A letter written now, from a postal code whose cached answer predates the sitting, goes to the member elected.
    const later = await service.submitted(supporter({ postalCode: 'M5V 3L6' }));
    expect(later.letters[0].recipient.name).toBe('Jane Doe');
  });

  it('only an owner records dissolutions; a bad legislature or date is a 400', async () => {
    await admin(service).post('/api/admin/legislatures/provincial:ZZ/dissolve').send({}).expect(400);
    const badDate = await admin(service).post('/api/admin/legislatures/provincial:ON/dissolve').send({ electionDate: 'next spring' }).expect(400);
    expect(badDate.body.error.fields).toEqual({ electionDate: expect.any(String) });
    await request(service.app).post('/api/admin/legislatures/federal/dissolve').send({}).expect(401);
  });
});

describe('a corrected address', () => {
  const keys = webhookKeys();
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { ADMIN_TOKEN, SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey } });
  });
  afterAll(() => service.close());

  it('a bounced letter, retried after the correction, reaches the new address; the correction holds for letters written later', async () => {
    const sent = await service.submitted(supporter());
    const letter = await service.waitForLetter(sent.letters[0].id, 'accepted');
    await postBounce(service, keys, letter);
    await service.waitForLetter(letter.id, 'bounced');

    const listed = await admin(service).get('/api/admin/addresses').expect(200);
    expect(listed.body.bounced).toEqual([{ email: 'chi.nguyen@parl.gc.ca', name: 'Chi Nguyen', letters: 1, letterId: letter.id }]);
    const fixed = await admin(service).post('/api/admin/addresses').send({ bouncedEmail: 'Chi.Nguyen@parl.gc.ca', email: 'chi.nguyen.c1@parl.gc.ca' }).expect(200);
    expect(fixed.body).toMatchObject({ correction: { bouncedEmail: 'chi.nguyen@parl.gc.ca', email: 'chi.nguyen.c1@parl.gc.ca', setBy: 'admin token' }, retried: 1 });

    const again = await service.waitForLetter(letter.id, 'accepted');
    expect(again.recipient_email).toBe('chi.nguyen.c1@parl.gc.ca');
    expect(mailsFor(service, letter.id).map((m) => m.body.personalizations[0].to[0].email)).toEqual(['chi.nguyen@parl.gc.ca', 'chi.nguyen.c1@parl.gc.ca']);
    expect((await eventsOf(service, letter.id)).map((e) => e.reason)).toContain(
      'Address corrected by admin token: chi.nguyen@parl.gc.ca bounced, sent again to chi.nguyen.c1@parl.gc.ca.',
    );

    // Represent still lists the old address: a letter written now goes to the corrected one.
    const later = await service.submitted(supporter());
    expect((await service.waitForLetter(later.letters[0].id, 'accepted')).recipient_email).toBe('chi.nguyen.c1@parl.gc.ca');
    expect((await admin(service).get('/api/admin/addresses').expect(200)).body.bounced).toEqual([]);
  });

  it('refuses an address that is not one, or the same address, with 400 naming the field', async () => {
    const bad = await admin(service).post('/api/admin/addresses').send({ bouncedEmail: 'someone@parl.gc.ca', email: 'not an address' }).expect(400);
    expect(bad.body.error.fields).toEqual({ email: expect.any(String) });
    await admin(service).post('/api/admin/addresses').send({ bouncedEmail: 'a@parl.gc.ca', email: 'A@parl.gc.ca' }).expect(400);
    // An address that never bounced cannot be redirected: every campaign's letters to it would follow.
    const notBounced = await admin(service).post('/api/admin/addresses').send({ bouncedEmail: 'anita.anand@parl.gc.ca', email: 'someone.else@example.org' }).expect(400);
    expect(notBounced.body.error.fields).toEqual({ bouncedEmail: expect.any(String) });
  });
});

describe('a cabinet shuffle', () => {
  let service: TestService;
  let dir: string;
  beforeAll(async () => {
    // One letter an hour to each target: the minister's letters wait their turn, unsent.
    dir = writeCampaignsDir({ xinjiang: { from: 'xinjiang', set: { pacing: { perTargetPerHour: 1, officeHours: null } } } });
    service = await startTestService({ env: { ADMIN_TOKEN, CAMPAIGNS_DIR: dir } });
  });
  afterAll(async () => {
    await service.close();
    removeCampaignsDir(dir);
  });

  it('the new minister is published, and the unsent letters move to them in one action, each rewritten and saying so; sent ones stay', async () => {
    const alreadySent = await service.submitted(supporter());
    await service.waitForLetter(alreadySent.letters[1].id, 'accepted');
    const waiting = [await service.submitted(supporter()), await service.submitted(supporter({ locale: 'fr' }))];
    for (const action of waiting) {
      await eventually(
        async () => (await service.deps.db.query<{ planned_at: Date | null }>('SELECT planned_at FROM letters WHERE id = $1', [action.letters[1].id])).rows[0].planned_at,
        (at) => at !== null && at.getTime() > Date.now() + 30 * 60_000,
        { what: 'the minister’s letter to wait for its slot' },
      );
    }

    const definition = readCampaignFolder(path.join(dir, 'xinjiang')) as { targets: Array<Record<string, unknown>> };
    definition.targets = definition.targets.map((t) => (t.kind === 'fixed' ? { ...t, name: 'Mélanie Joly', email: 'melanie.joly@parl.gc.ca' } : t));
    await admin(service).put('/api/admin/campaigns/xinjiang/draft').send(definition).expect(200);
    await admin(service).post('/api/admin/campaigns/xinjiang/publish').expect(200);

    const moved = await admin(service).post('/api/admin/campaigns/xinjiang/targets/minister/move').expect(200);
    expect(moved.body).toEqual({ moved: 2, to: 'Mélanie Joly' });
    for (const action of waiting) {
      const letter = await service.letter(action.letters[1].id);
      expect(letter).toMatchObject({ status: 'queued', recipient_name: 'Mélanie Joly', recipient_email: 'melanie.joly@parl.gc.ca' });
      expect(letter.body_text).not.toContain('Anita Anand');
      const events = await eventsOf(service, letter.id);
      expect(events.at(-1)).toEqual({ type: 'recipient_changed', reason: expect.stringMatching(/^Moved by admin token from Anita Anand to Mélanie Joly, as version \d+ of the campaign names them\.$/) });
    }
    expect((await service.letter(alreadySent.letters[1].id)).recipient_email).toBe('anita.anand@parl.gc.ca');
    // Moving again finds nothing left to move.
    expect((await admin(service).post('/api/admin/campaigns/xinjiang/targets/minister/move').expect(200)).body.moved).toBe(0);

    // Its turn comes: the first moved letter takes the new minister's first slot and goes to her.
    await (await service.deps.queues.letters.getJob(deliveryJobId(waiting[0].letters[1].id)))!.promote();
    expect((await service.waitForLetter(waiting[0].letters[1].id, 'accepted')).recipient_email).toBe('melanie.joly@parl.gc.ca');
  });
});
