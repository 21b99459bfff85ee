// Signing the sample petition through the JSON API: a name, an email, a postal code and a city;
// no letters are written and nothing goes to any target; the signature counts once confirmed.
// The riding is looked up for the counts by riding, later when Represent is away.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { confirmAction } from '../../src/domain/confirmAction';
import { fillPendingRidings } from '../../src/domain/runMaintenance';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const SLUG = 'xinjiang-petition';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ workers: false });
});
afterAll(() => service.close());
beforeEach(() => service.represent.reset());

/** A signer: no street address (a petition does not ask for one). */
const signer = (overrides: Record<string, unknown> = {}) => ({ ...supporter(), address: undefined, ...overrides });
const sign = (body: object) => request(service.app).post(`/api/campaigns/${SLUG}/actions`).send(body);

const actionRow = async (id: string) =>
  (await service.deps.db.query<{ district: string | null; district_pending: boolean; province: string | null; confirm_token: string | null; confirmed_at: Date | null }>(
    'SELECT district, district_pending, province, confirm_token, confirmed_at FROM actions WHERE id = $1',
    [id],
  )).rows[0];
const petitionLetters = async () =>
  (await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM letters WHERE campaign_slug = $1', [SLUG])).rows[0].n;
const readCounter = async () => {
  const res = await request(service.app).get(`/api/campaigns/${SLUG}`).expect(200);
  expect(res.body.kind).toBe('petition');
  return res.body.counter.actions as number;
};
const freshCounter = () => {
  service.deps.counter.forget(SLUG);
  return readCounter();
};

describe('signing the petition', () => {
  it('takes a signature without an address: 202, awaiting confirmation, no letters; the riding is stored', async () => {
    const person = signer();
    expect(person).not.toHaveProperty('address', expect.anything());
    const res = await service.submitted(person, SLUG);
    expect(res.res.body).toEqual({
      received: true, kind: 'petition', letters: [], confirmationRequired: true,
      share: { url: expect.stringMatching(new RegExp(`^https://act\\.example\\.org/campaigns/${SLUG}\\?lang=en&ref=[\\w-]{12}$`)) },
    });

    const row = await actionRow(res.id);
    expect(row).toMatchObject({ district: 'Spadina—Harbourfront', district_pending: false, province: 'ON', confirmed_at: null });
    expect(row.confirm_token).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const { rows } = await service.deps.db.query('SELECT address, city, postal_code FROM supporters WHERE email = $1', [person.email]);
    expect(rows).toEqual([{ address: null, city: 'Toronto', postal_code: 'M5V 3L9' }]);
    expect(await petitionLetters()).toBe(0);

    // The status link works and shows no letters.
    const status = await request(service.app).get(`/api/actions/${res.id}`).query({ token: res.token }).expect(200);
    expect(status.body).toMatchObject({ campaign: SLUG, letters: [] });
  });

  it('requires the city (400 validation_failed, fields.city) and nothing else a letter would need', async () => {
    const res = await sign(signer({ city: undefined })).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.fields)).toEqual(['city']);
    expect(res.body.error.fields.city).toMatch(/city/);
    const blank = await sign(signer({ city: '   ' })).expect(400);
    expect(Object.keys(blank.body.error.fields)).toEqual(['city']);
    const fr = await sign(signer({ city: undefined, locale: 'fr' })).set('Accept-Language', 'fr').expect(400);
    expect(Object.keys(fr.body.error.fields)).toEqual(['city']);
  });

  it('answers a second signature by the same mailbox like the first (202), and keeps one signature', async () => {
    const person = signer();
    const first = await service.submitted(person, SLUG);
    const again = await sign({ ...person, email: person.email.toUpperCase(), city: 'Ottawa' }).expect(202);
    // The same answer but for the share link's code: a fresh one each time, new action or not.
    const withoutCode = (body: { share: { url: string } }) => ({ ...body, share: { url: body.share.url.replace(/ref=[\w-]{12}$/, 'ref=…') } });
    expect(withoutCode(again.body)).toEqual(withoutCode(first.res.body));
    const { rows } = await service.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE a.campaign_slug = $1 AND s.email_key = $2',
      [SLUG, person.email],
    );
    expect(rows[0].n).toBe(1);
  });

  it('takes the signature while Represent is down, and fills in the riding once it is back', async () => {
    service.represent.setMode('overloaded'); // 503, as Represent's nginx answers
    const res = await service.submitted(signer({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne', locale: 'fr' }), SLUG);
    expect(res.res.body.confirmationRequired).toBe(true);
    expect(service.represent.count('/postcodes/G0A1A0/')).toBeGreaterThanOrEqual(1);
    expect(await actionRow(res.id)).toMatchObject({ district: null, district_pending: true, province: 'QC' });

    // Still down: nothing filled, still pending.
    expect(await fillPendingRidings(service.worker.maintenance, 10)).toBe(0);
    expect(await actionRow(res.id)).toMatchObject({ district: null, district_pending: true });

    service.represent.setMode('ok');
    expect(await fillPendingRidings(service.worker.maintenance, 10)).toBe(1);
    expect(await actionRow(res.id)).toMatchObject({ district: 'Portneuf—Jacques-Cartier', district_pending: false });
    expect(await fillPendingRidings(service.worker.maintenance, 10)).toBe(0);
  });

  it('counts a postal code on two ridings by province only, unless the signer chose one', async () => {
    const unchosen = await service.submitted(signer({ postalCode: 'K0A 1K0', city: 'Carlsbad Springs' }), SLUG);
    expect(await actionRow(unchosen.id)).toMatchObject({ district: null, district_pending: false, province: 'ON' });
    const chosen = await service.submitted(signer({ postalCode: 'K0A 1K0', city: 'Carlsbad Springs', district: 'Carleton' }), SLUG);
    expect(await actionRow(chosen.id)).toMatchObject({ district: 'Carleton', district_pending: false });
  });
});

describe('the counter', () => {
  it('counts a signature once it is confirmed', async () => {
    const res = await service.submitted(signer(), SLUG);
    const before = await freshCounter();
    const { confirm_token: token } = await actionRow(res.id);
    const confirmed = await confirmAction(service.web.pages.confirm, token!);
    expect(confirmed).toMatchObject({ alreadyConfirmed: false, action: { actionId: res.id, campaignSlug: SLUG } });
    expect(await freshCounter()).toBe(before + 1);
    // A second click changes nothing.
    expect((await confirmAction(service.web.pages.confirm, token!)).alreadyConfirmed).toBe(true);
    expect(await freshCounter()).toBe(before + 1);
    expect(await petitionLetters()).toBe(0);
  });

  it('is read from the database at most once per 10 s per process', async () => {
    const first = await freshCounter();
    // A confirmed signature appears in the database behind the cache's back.
    const supporterId = randomUUID();
    await service.deps.db.query(
      `INSERT INTO supporters (id, email, email_key, first_name, last_name, city, province, postal_code)
       VALUES ($1, $2, $2, 'Behind', 'TheCache', 'Toronto', 'ON', 'M5V 3L9')`,
      [supporterId, `behind.${supporterId}@example.com`],
    );
    await service.deps.db.query(
      `INSERT INTO actions (id, campaign_slug, supporter_id, token, locale, postal_code, province, district, confirmed_at)
       VALUES ($1, $2, $3, 'secret-token', 'en', 'M5V 3L9', 'ON', 'Spadina—Harbourfront', now())`,
      [randomUUID(), SLUG, supporterId],
    );
    // Within 10 s: the cached number.
    expect(await readCounter()).toBe(first);
    expect(await readCounter()).toBe(first);
    // Forgotten: read again.
    expect(await freshCounter()).toBe(first + 1);
  });

  it('is refreshed at once by a confirmation in this process (cachedCounter: "a confirmation in this process refreshes it at once")', async () => {
    const res = await service.submitted(signer(), SLUG);
    const before = await freshCounter();
    expect(await readCounter()).toBe(before); // cached now
    await confirmAction(service.web.pages.confirm, (await actionRow(res.id)).confirm_token!);
    expect(await readCounter()).toBe(before + 1);
  });
});

describe('nothing goes to a target', () => {
  it('sends only confirmation emails, one per signer, and never writes a letter', async () => {
    service.sendgrid.reset();
    const { rows: signers } = await service.deps.db.query<{ id: string; email: string }>(
      `SELECT a.id, s.email FROM actions a JOIN supporters s ON s.id = a.supporter_id
        WHERE a.campaign_slug = $1 AND a.confirm_token IS NOT NULL AND a.confirmed_at IS NULL`,
      [SLUG],
    );
    expect(signers.length).toBeGreaterThan(3);
    await service.startWorkers();
    try {
      await service.sendgrid.waitForAccepted(signers.length);
      await eventually(
        async () => (await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE id = ANY($1) AND confirm_sent_at IS NULL', [signers.map((s) => s.id)])).rows[0].n,
        (n) => n === 0,
        { what: 'every confirmation email sent' },
      );
    } finally {
      await service.workers?.close();
      service.workers = null;
    }
    const mails = service.sendgrid.accepted();
    expect(mails.map((m) => m.body.personalizations[0].to[0].email).sort()).toEqual(signers.map((s) => s.email).sort());
    expect(service.sendgrid.receivedLetterIds().sort()).toEqual(signers.map((s) => `confirm-${s.id}`).sort());
    for (const m of mails) expect(m.body.subject ?? m.body.personalizations[0].subject).toMatch(/^(Please confirm: |Veuillez confirmer : )/);
    expect(await petitionLetters()).toBe(0);
  });
});
