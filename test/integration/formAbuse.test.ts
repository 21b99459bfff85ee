// The no-JavaScript form keeps simple bots out without a third-party captcha: a hidden field
// people never fill, and a minimum time between showing the form and sending it.
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ workers: false, env: { FORM_MIN_MS: '3000' } });
});
afterAll(() => service.close());

const form = (overrides: Record<string, string>) => {
  const person = supporter();
  return new URLSearchParams({
    firstName: person.firstName, lastName: person.lastName, email: person.email, postalCode: person.postalCode,
    address: person.address, city: person.city, message: person.message, locale: 'en', ...overrides,
  }).toString();
};
const post = (body: string) => request(service.app).post('/campaigns/xinjiang').type('form').send(body);
const actions = async () => (await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions')).rows[0].n;

it('accepts a form sent a while after it was shown', async () => {
  const before = await actions();
  const res = await post(form({ shownAt: String(Date.now() - 10_000) })).expect(303);
  expect(res.headers.location).toMatch(/^\/actions\/[0-9a-f-]+\?token=.+&new=1$/);
  expect(await actions()).toBe(before + 1);
});

// The times are taken when each test runs, not when this file loads: on a slow machine the
// service's start alone can outlast FORM_MIN_MS.
it.each([
  ['sent too soon', () => ({ shownAt: String(Date.now()) })],
  ['without the time it was shown', () => ({})],
  ['with the hidden field filled', () => ({ shownAt: String(Date.now() - 10_000), faxNumber: '555-0100' })],
])('shows the form again, input kept and nothing stored, when %s', async (_what, extra: () => Record<string, string>) => {
  const before = await actions();
  const res = await post(form(extra())).expect(400);
  expect(res.text).toContain('Please check your details, then press Send letter again.');
  expect(res.text).toContain('value="Mei"');
  expect(await actions()).toBe(before);
});

it('shows each page a fresh time stamp', async () => {
  const askedFrom = Date.now();
  const page = await request(service.app).get('/campaigns/xinjiang').expect(200);
  const answeredBy = Date.now();
  const shownAt = Number(/name="shownAt" value="(\d+)"/.exec(page.text)?.[1]);
  // Stamped while this request was being answered, however long that took.
  expect(shownAt).toBeGreaterThanOrEqual(askedFrom);
  expect(shownAt).toBeLessThanOrEqual(answeredBy);
});
