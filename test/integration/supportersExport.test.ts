// Opted-in supporters reach the organisation: one CSV row per supporter (not per letter), the
// opted-in ones with `?consent=updates`; every email to a supporter carries a link to stop
// updates, which asks before it withdraws, records when, and takes them out of that export.
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const ADMIN_TOKEN = 'supporters-admin-token-0123456789abcdef';
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_TOKEN } });
});
afterAll(() => service.close());

const csv = async (query = '') => {
  const res = await request(service.app).get(`/api/admin/campaigns/xinjiang/supporters.csv${query}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
  const [header, ...rows] = res.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const names = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [names[i], cell])));
};

/** The link to stop updates, from the receipt the supporter's mailbox got. */
async function updatesLink(email: string): Promise<string> {
  const receipt = await eventually(
    async () => service.sendgrid.supporterMail().find((m) => m.body.personalizations[0].to[0].email === email),
    (m) => m !== undefined,
    { what: `the receipt to ${email}` },
  );
  const text = receipt!.body.content!.find((c) => c.type === 'text/plain')!.value;
  const url = new URL(/https:\/\/act\.example\.org\/actions\/\S+\/updates\?\S+/.exec(text)![0]);
  return url.pathname + url.search;
}

it('one row per supporter, with consent, its wording’s hash and the source; ?consent=updates keeps those who agreed', async () => {
  const agreed = supporter({ consent: { updates: true }, source: { utm_source: 'newsletter', utm_medium: 'email' } });
  const declined = supporter({ consent: { updates: false } });
  await service.submitted(agreed);
  await service.submitted(declined);

  const everyone = await csv();
  const mine = everyone.filter((r) => r.email === agreed.email || r.email === declined.email);
  expect(mine).toHaveLength(2);
  expect(mine.find((r) => r.email === agreed.email)).toMatchObject({
    first_name: 'Mei', postal_code: 'M5V 3L9', riding: 'Spadina—Harbourfront', province: 'ON', language: 'en',
    updates: 'true', updates_withdrawn_at: '', source: 'newsletter', medium: 'email', from_share: 'false',
    updates_wording_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(mine.find((r) => r.email === declined.email)).toMatchObject({ updates: 'false', updates_agreed_at: '' });

  const optedIn = (await csv('?consent=updates')).map((r) => r.email);
  expect(optedIn).toContain(agreed.email);
  expect(optedIn).not.toContain(declined.email);
  await request(service.app).get('/api/admin/campaigns/xinjiang/supporters.csv?consent=everyone').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(400);
});

it('the receipt’s link asks first, then withdraws with its time, and the supporter leaves the opted-in export', async () => {
  const person = supporter({ consent: { updates: true } });
  await service.submitted(person);
  const link = await updatesLink(person.email);

  // Following the link (a mail scanner, a preview) changes nothing: the page asks.
  const ask = await request(service.app).get(link).expect(200);
  expect(ask.text).toContain('Stop news from the organisation?');
  expect((await csv('?consent=updates')).map((r) => r.email)).toContain(person.email);

  const token = new URL(`https://x${link}`).searchParams.get('token')!;
  const done = await request(service.app).post(link.split('?')[0]).type('form').send({ token, lang: 'fr' }).expect(200);
  expect(done.text).toContain('C’est fait : plus de nouvelles');
  expect((await csv('?consent=updates')).map((r) => r.email)).not.toContain(person.email);
  const row = (await csv()).find((r) => r.email === person.email)!;
  expect(row.updates).toBe('false');
  expect(Date.now() - Date.parse(row.updates_withdrawn_at)).toBeLessThan(60_000);

  // Again: nothing left to stop; a wrong token is the status link's 404.
  expect((await request(service.app).get(link).expect(200)).text).toContain('You are not on the list');
  await request(service.app).post(link.split('?')[0]).type('form').send({ token: 'wrong' }).expect(404);
});
