// The supporter's pages around confirmation and a campaign's state: signing the sample petition
// (confirm: true), the emailed link's page (a GET never confirms; the button's POST confirms once),
// a letter campaign whose letters wait for the confirmation, and the page of a campaign that is
// paused, closed or not open yet. Real PostgreSQL, Redis and workers; fake Represent and SendGrid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const PETITION = 'xinjiang-petition';
const CAMPAIGNS = path.join(__dirname, '../../data/campaigns');

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

/** A petition's signer: no street address, no paragraph. */
const signer = (overrides: Record<string, unknown> = {}) => {
  const { address: _address, message: _message, ...rest } = supporter(overrides);
  return rest;
};

async function actionRow(s: TestService, id: string) {
  const { rows } = await s.deps.db.query<{ confirm_token: string; confirmed_at: Date | null }>('SELECT confirm_token, confirmed_at FROM actions WHERE id = $1', [id]);
  return rows[0];
}

async function publicCount(s: TestService, slug: string): Promise<number> {
  return (await request(s.app).get(`/api/campaigns/${slug}`).expect(200)).body.counter.actions;
}

/** The page's HTML with Handlebars' entities read back (it escapes `=` and `'` in text and attributes). */
const html = (text: string) => text.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
/** What a person reads: the page's text without its tags. */
const words = (text: string) => html(text).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const mailText = (mail: { body: { content?: Array<{ type: string; value: string }> } }) => mail.body.content?.find((c) => c.type === 'text/plain')?.value ?? '';

describe('a petition that asks for confirmation', () => {
  it('holds the signature until the Confirm button is pressed; opening the link changes nothing', async () => {
    service.sendgrid.reset();
    const before = await publicCount(service, PETITION);
    const person = signer();
    const res = await service.submitted(person, PETITION);
    expect(res.res.body).toMatchObject({ kind: 'petition', letters: [], confirmationRequired: true });
    service.deps.counter.forget(PETITION);
    expect(await publicCount(service, PETITION)).toBe(before);

    const { confirm_token: token, confirmed_at } = await actionRow(service, res.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(confirmed_at).toBeNull();
    // The worker emails the link to the supporter.
    const [mail] = await service.sendgrid.waitForAccepted(1);
    expect(mail.body.personalizations[0].to[0].email).toBe(person.email);
    expect(mailText(mail)).toContain(`https://act.example.org/confirm/${token}?lang=en`);

    // The thank-you page: check your email; a signature has no letters to follow.
    const statusPath = `/actions/${res.id}?token=${encodeURIComponent(res.token)}`;
    const thanks = await request(service.app).get(`${statusPath}&lang=en&new=1`).expect(200);
    expect(words(thanks.text)).toContain('Thank you for signing');
    expect(words(thanks.text)).toContain('Check your email: we sent you a link to confirm. Your signature counts only once you confirm.');
    expect(html(thanks.text)).not.toContain('class="letters"');

    // Mail scanners open links: any number of GETs confirm nothing.
    for (let i = 0; i < 3; i += 1) {
      const page = await request(service.app).get(`/confirm/${token}?lang=en`).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(html(page.text)).toContain(`<form method="post" action="/confirm/${token}?lang=en"`);
      expect(html(page.text)).toMatch(/<button type="submit"[^>]*>Confirm<\/button>/);
      expect(words(page.text)).toContain('Confirm your signature');
      expect(words(page.text)).toContain('Free the people held in Xinjiang');
    }
    expect((await actionRow(service, res.id)).confirmed_at).toBeNull();
    const fr = await request(service.app).get(`/confirm/${token}?lang=fr`).expect(200);
    expect(html(fr.text)).toMatch(/<button type="submit"[^>]*>Confirmer<\/button>/);
    expect((await actionRow(service, res.id)).confirmed_at).toBeNull();

    // The button: a form post with an empty body.
    const done = await request(service.app).post(`/confirm/${token}?lang=en`).type('form').send('').expect(200);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.headers['referrer-policy']).toBe('no-referrer');
    expect(words(done.text)).toContain('Thank you, confirmed');
    expect(words(done.text)).toContain('Your signature now counts.');
    expect(html(done.text)).not.toContain(res.token); // never the status token
    expect((await actionRow(service, res.id)).confirmed_at).toBeInstanceOf(Date);
    expect(await publicCount(service, PETITION)).toBe(before + 1);

    const again = await request(service.app).post(`/confirm/${token}?lang=en`).type('form').send('').expect(200);
    expect(words(again.text)).toContain('Already confirmed');
    expect(await publicCount(service, PETITION)).toBe(before + 1);
    const opened = await request(service.app).get(`/confirm/${token}`).expect(200);
    expect(words(opened.text)).toContain('Already confirmed');
    expect(html(opened.text)).not.toContain('<form method="post"');

    const status = await request(service.app).get(`${statusPath}&lang=en`).expect(200);
    expect(words(status.text)).toContain('Your signature is confirmed and counted.');
    expect(words(status.text)).not.toContain('Check your email');
  });

  it('answers unknown and expired links with a 404 page', async () => {
    const unknown = await request(service.app).get('/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en').expect(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    expect(unknown.headers['cache-control']).toBe('no-store');
    expect(unknown.headers['referrer-policy']).toBe('no-referrer');
    expect(words(unknown.text)).toContain('This link is not valid or has expired (links work for 7 days)');
    await request(service.app).post('/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').type('form').send('').expect(404);
    await request(service.app).get('/confirm/not a token').expect(404);
    const fr = await request(service.app).get('/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=fr').expect(404);
    expect(words(fr.text)).toContain('Ce lien n’est pas valide ou a expiré');

    service.sendgrid.reset();
    const res = await service.submitted(signer(), PETITION);
    await service.sendgrid.waitForAccepted(1);
    const { confirm_token: token } = await actionRow(service, res.id);
    await service.deps.db.query("UPDATE actions SET confirm_expires_at = now() - interval '1 minute' WHERE id = $1", [res.id]);
    const expired = await request(service.app).get(`/confirm/${token}`).expect(404);
    expect(words(expired.text)).toContain('links work for 7 days');
    await request(service.app).post(`/confirm/${token}`).type('form').send('').expect(404);
  });

  it('shows the Sign form in French too', async () => {
    const page = await request(service.app).get(`/campaigns/${PETITION}?lang=fr`).expect(200);
    expect(html(page.text)).toMatch(/<button type="submit" id="sign"[^>]*>Signer<\/button>/);
    expect(html(page.text)).toContain('Signez la pétition');
    expect(html(page.text)).not.toContain('id="message"');
    expect(html(page.text)).not.toContain('id="address"');
  });
});

describe('the campaign page when the campaign takes no action', () => {
  const letterForm = (email: string) => ({
    firstName: 'Mei', lastName: 'Tursun', email, postalCode: 'M5V 3L9', address: '1 Front St', city: 'Toronto', locale: 'en', shownAt: String(Date.now() - 60_000),
  });
  const switchTo = async (status: 'open' | 'paused' | 'closed') => {
    await service.deps.db.query("INSERT INTO campaign_switches (campaign_slug, status, by) VALUES ('xinjiang', $1, 'test')", [status]);
    service.deps.campaignStates.forget();
  };
  afterAll(() => switchTo('open'));

  it('says when the campaign is paused, refuses actions with 409, and shows the same page to the form', async () => {
    // One person took part before.
    service.sendgrid.reset();
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(202);
    await service.sendgrid.waitForAccepted(2);
    service.deps.counter.forget('xinjiang');

    await switchTo('paused');
    const page = await request(service.app).get('/campaigns/xinjiang').expect(200);
    expect(words(page.text)).toContain('This campaign is paused for a short while. Please come back soon.');
    expect(html(page.text)).not.toContain('id="action-form"');
    expect(words(page.text)).toContain('1 person has taken action');
    const api = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(409);
    expect(api.body.error.code).toBe('campaign_closed');
    const form = await request(service.app).post('/campaigns/xinjiang').type('form').send(letterForm('paused@example.com')).expect(409);
    expect(form.headers['content-type']).toMatch(/text\/html/);
    expect(words(form.text)).toContain('This campaign is paused for a short while.');
    expect(html(form.text)).not.toContain('id="action-form"');
  });

  it('says when the campaign has closed, thanks those who took part, and points to the open ones', async () => {
    await switchTo('closed');
    const page = await request(service.app).get('/campaigns/xinjiang').expect(200);
    expect(words(page.text)).toContain('This campaign has closed. Thank you to the 1 person who took part.');
    expect(html(page.text)).toContain(`href="/campaigns/${PETITION}?lang=en"`);
    const fr = await request(service.app).get('/campaigns/xinjiang?lang=fr').expect(200);
    expect(words(fr.text)).toContain('Cette campagne est terminée.');
    const form = await request(service.app).post('/campaigns/xinjiang').type('form').send(letterForm('closed@example.com')).expect(409);
    expect(words(form.text)).toContain('This campaign has closed.');
    const api = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(409);
    expect(api.body.error.code).toBe('campaign_closed');
    // The home page sends people to a campaign open now.
    const home = await request(service.app).get('/').expect(302);
    expect(home.headers.location).toBe(`/campaigns/${PETITION}`);
  });
});

describe('a letter campaign that asks for confirmation', () => {
  let dir: string;
  let confirming: TestService;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-confirm-'));
    const copy = (from: string, to: string, change: Record<string, unknown>) => {
      fs.cpSync(path.join(CAMPAIGNS, from), path.join(dir, to), { recursive: true });
      const file = path.join(dir, to, 'campaign.json');
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...change }));
    };
    copy('xinjiang', 'xinjiang', { confirm: true });
    copy('xinjiang', 'later', { slug: 'later', startsAt: '2999-06-01T13:00:00Z' });
    confirming = await startTestService({ env: { CAMPAIGNS_DIR: dir } });
  });
  afterAll(async () => {
    await confirming?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends no letter until the Confirm button is pressed, then both', async () => {
    const person = supporter();
    const res = await confirming.submitted(person, 'xinjiang');
    expect(res.res.body.confirmationRequired).toBe(true);
    for (const letter of res.letters) expect((await confirming.letter(letter.id)).status).toBe('awaiting_confirmation');

    // The only mail that goes is the one asking the supporter to confirm.
    const [mail] = await confirming.sendgrid.waitForAccepted(1);
    expect(mail.body.personalizations[0].to[0].email).toBe(person.email);
    for (const letter of res.letters) expect((await confirming.letter(letter.id)).status).toBe('awaiting_confirmation');

    const statusPath = `/actions/${res.id}?token=${encodeURIComponent(res.token)}`;
    const thanks = await request(confirming.app).get(`${statusPath}&lang=en&new=1`).expect(200);
    expect(words(thanks.text)).toContain('Check your email: we sent you a link to confirm. Your letters go only once you confirm.');
    expect(html(thanks.text)).toContain('data-status="awaiting_confirmation"');
    expect(html(thanks.text)).toContain('data-in-progress=""');
    const fr = await request(confirming.app).get(`${statusPath}&lang=fr`).expect(200);
    expect(words(fr.text)).toContain('En attente de votre confirmation');

    const { confirm_token: token } = await actionRow(confirming, res.id);
    const page = await request(confirming.app).get(`/confirm/${token}?lang=en`).expect(200);
    expect(words(page.text)).toContain('Confirm your letters');
    expect(confirming.sendgrid.accepted()).toHaveLength(1);
    for (const letter of res.letters) expect((await confirming.letter(letter.id)).status).toBe('awaiting_confirmation');

    const done = await request(confirming.app).post(`/confirm/${token}?lang=en`).type('form').send('').expect(200);
    expect(words(done.text)).toContain('Your letters are on their way.');
    const mails = await confirming.sendgrid.waitForAccepted(3);
    expect(mails.slice(1).map((m) => m.body.personalizations[0].to[0].email).sort()).toEqual(['anita.anand@parl.gc.ca', 'chi.nguyen@parl.gc.ca']);
    for (const letter of res.letters) await confirming.waitForLetter(letter.id, 'accepted');
    const again = await request(confirming.app).post(`/confirm/${token}`).type('form').send('').expect(200);
    expect(words(again.text)).toContain('Already confirmed');
  });

  it('says when a campaign opens, before it does', async () => {
    const page = await request(confirming.app).get('/campaigns/later').expect(200);
    expect(words(page.text)).toContain('This campaign opens on June 1, 2999.');
    expect(html(page.text)).not.toContain('id="action-form"');
    const fr = await request(confirming.app).get('/campaigns/later?lang=fr').expect(200);
    expect(words(fr.text)).toContain('Cette campagne commence le 1 juin 2999.');
    expect(html(page.text)).toContain('href="/campaigns/xinjiang?lang=en"');
    await request(confirming.app).post('/api/campaigns/later/actions').send(supporter()).expect(409);
  });
});
