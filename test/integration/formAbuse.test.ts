// The no-JavaScript form keeps simple bots out without a third-party captcha: a hidden field
// people never fill, and the time the form was shown, signed by the service, which must be a
// while ago, cannot be made up, and serves one action only.
import { createHmac, randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

// The operator's key (FORM_SECRET): with it this test can stamp a form as shown at any time.
const FORM_SECRET = 'form-abuse-test-secret-0123456789abcdef';
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ workers: false, env: { FORM_MIN_MS: '3000', FORM_SECRET } });
});
afterAll(() => service.close());

/** A form stamp as the service signs one, for a form shown `agoMs` ago. */
const stampShown = (agoMs: number, secret = FORM_SECRET) => {
  const payload = `${Date.now() - agoMs}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
};

const form = (overrides: Record<string, string>) => {
  const person = supporter();
  return new URLSearchParams({
    firstName: person.firstName, lastName: person.lastName, email: person.email, postalCode: person.postalCode,
    address: person.address, city: person.city, message: person.message, locale: 'en', ...overrides,
  }).toString();
};
const post = (body: string) => request(service.app).post('/campaigns/xinjiang').type('form').send(body);
const actions = async () => (await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions')).rows[0].n;

it('accepts a form sent a while after it was shown, and answers with the thank-you page', async () => {
  const before = await actions();
  const res = await post(form({ shownAt: stampShown(10_000) })).expect(200);
  expect(res.text).toContain('id="thanks-title"');
  expect(res.headers.location).toBeUndefined();
  expect(await actions()).toBe(before + 1);
});

// The times are taken when each test runs, not when this file loads: on a slow machine the
// service's start alone can outlast FORM_MIN_MS.
it.each([
  ['sent too soon', () => ({ shownAt: stampShown(0) })],
  ['without the time it was shown', () => ({})],
  ['with a time it made up', () => ({ shownAt: String(Date.now() - 10_000) })],
  ['with a time signed by another key', () => ({ shownAt: stampShown(10_000, 'another-key-entirely-0123456789abcdef') })],
  ['with the hidden field filled', () => ({ shownAt: stampShown(10_000), faxNumber: '555-0100' })],
])('shows the form again, input kept and nothing stored, when %s', async (_what, extra: () => Record<string, string>) => {
  const before = await actions();
  const res = await post(form(extra())).expect(400);
  expect(res.text).toContain('Please check your details, then press Send letter again.');
  expect(res.text).toContain('value="Mei"');
  expect(await actions()).toBe(before);
});

it('takes one action per form: the same stamp again is refused', async () => {
  const shownAt = stampShown(10_000);
  await post(form({ shownAt })).expect(200);
  const before = await actions();
  await post(form({ shownAt })).expect(400);
  expect(await actions()).toBe(before);
});

it('shows each page a fresh stamp of its own, stamped while the page was being answered', async () => {
  const stampOf = async () => /name="shownAt" value="([^"]+)"/.exec((await request(service.app).get('/campaigns/xinjiang').expect(200)).text)![1];
  const askedFrom = Date.now();
  const [first, second] = [await stampOf(), await stampOf()];
  const answeredBy = Date.now();
  expect(first).not.toBe(second);
  const shownAt = Number(first.split('.')[0]);
  expect(shownAt).toBeGreaterThanOrEqual(askedFrom);
  expect(shownAt).toBeLessThanOrEqual(answeredBy);
});
