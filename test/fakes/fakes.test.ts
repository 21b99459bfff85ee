// Tests for the two fake outside services, so integration tests can trust them.
import fs from 'node:fs';
import path from 'node:path';
import axios, { AxiosError } from 'axios';
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { ResponseError } from '@sendgrid/mail';
import { startFakeRepresent, type FakeRepresent } from './fakeRepresent';
import { startFakeSendgrid, type FakeSendgrid } from './fakeSendgrid';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'represent');
const fixtureText = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** Resolves to the error a promise rejects with; fails the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

describe('fake Represent', () => {
  let fake: FakeRepresent;
  // No redirects and no throwing on status: the tests look at the raw answer.
  const get = (p: string, timeout = 2000) =>
    axios.get<string>(fake.url + p, { maxRedirects: 0, validateStatus: () => true, responseType: 'text', timeout });

  beforeAll(async () => { fake = await startFakeRepresent(); });
  afterAll(async () => { await fake.close(); });
  beforeEach(() => fake.reset());

  it('answers a known postcode with the fixture, as JSON with CORS', async () => {
    const res = await get('/postcodes/M5V3L9/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(res.data)).toEqual(JSON.parse(fixtureText('postcode-M5V3L9-single-mp.json')));
  });

  it('escapes non-ASCII like Python ensure_ascii', async () => {
    const res = await get('/postcodes/G0A1A0/');
    expect(res.status).toBe(200);
    expect(res.data).toContain('Jo\\u00ebl');
    expect(res.data).not.toContain('Joël');
    expect(JSON.parse(res.data).representatives_centroid[0].first_name).toBe('Joël');
    // Python's default separators, so the bytes look like the recorded answer.
    expect(res.data.startsWith('{"code": "G0A1A0", ')).toBe(true);
  });

  it('serves the assembled split-riding postcode and postcodes added by tests', async () => {
    expect((await get('/postcodes/K0A1K0/')).status).toBe(200);
    fake.addPostcode({ code: 'A1A1A1', city: 'ST. JOHN\'S', province: 'NL', boundaries_concordance: [], boundaries_centroid: [] });
    const res = await get('/postcodes/A1A1A1/');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.data).city).toBe('ST. JOHN\'S');
  });

  it('redirects a path without trailing slash, keeping the query', async () => {
    const res = await get('/postcodes/K1A0A6?sets=a,b');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/postcodes/K1A0A6/?sets=a,b');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['/postcodes/m5v3l9/', '/postcodes/Z0Z0Z0/', '/postcodes/M5V%203L9/', '/postcodes/M5V3L/', '/nothing-here/'])(
    'answers %s with the HTML 404 page',
    async (p) => {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.data).toBe(fixtureText('error-404-postcode-not-found.html'));
    },
  );

  it('mode fail answers 502 nginx HTML for every path', async () => {
    fake.setMode('fail');
    for (const p of ['/postcodes/M5V3L9/', '/nothing/']) {
      const res = await get(p);
      expect(res.status).toBe(502);
      expect(res.data).toContain('502 Bad Gateway');
    }
  });

  it('mode overloaded answers 503 with the nginx page', async () => {
    fake.setMode('overloaded');
    const res = await get('/postcodes/M5V3L9/');
    expect(res.status).toBe(503);
    expect(res.data).toBe(fixtureText('error-503-rate-limited.ASSUMED-nginx.html'));
    expect(fake.overLimitAnswers()).toBe(0);
  });

  it('mode hang never answers, so the client times out', async () => {
    fake.setMode('hang');
    const e = await rejection(get('/postcodes/M5V3L9/', 200));
    expect(e).toBeInstanceOf(AxiosError);
    expect((e as AxiosError).code).toBe('ECONNABORTED');
    expect(fake.count('/postcodes/M5V3L9/')).toBe(1);
  });

  it('answers 503 above the sliding-window limit and counts it', async () => {
    fake.setRateLimit(3);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/postcodes/M5V3L9/')).status);
    expect(statuses).toEqual([200, 200, 200, 503]);
    expect(fake.overLimitAnswers()).toBe(1);
    fake.setRateLimit(null);
    expect((await get('/postcodes/M5V3L9/')).status).toBe(200);
  });

  it('records every request in order and counts by path', async () => {
    await get('/postcodes/M5V3L9/');
    await get('/postcodes/M5V3L9/?sets=x');
    await get('/postcodes/nope/');
    expect(fake.requests()).toEqual(['/postcodes/M5V3L9/', '/postcodes/M5V3L9/?sets=x', '/postcodes/nope/']);
    expect(fake.count()).toBe(3);
    expect(fake.count('/postcodes/M5V3L9/')).toBe(2);
    expect(fake.count('/postcodes/M5V3L9/?sets=x')).toBe(1);
    fake.reset();
    expect(fake.count()).toBe(0);
  });
});

describe('fake SendGrid', () => {
  let fake: FakeSendgrid;

  // The production wiring: own Client, key FIRST, then the base URL (setApiKey resets baseUrl).
  const mailer = (key = fake.apiKey, timeoutMs = 5000) => {
    const client = new Client();
    client.setApiKey(key);
    client.setDefaultRequest('baseUrl', fake.url);
    const m = new MailService();
    m.setClient(client);
    m.setTimeout(timeoutMs);
    return m;
  };
  const letter = {
    to: { email: 'mp@parl.gc.ca', name: 'Hon. Member' },
    from: { email: 'letters@campaign.example.ca', name: 'Jane Doe via Org' },
    replyTo: { email: 'jane@example.com', name: 'Jane Doe' },
    subject: 'Please act',
    html: '<p>Dear MP</p>', // given before text on purpose: the library still emits text first
    text: 'Dear MP',
    customArgs: { letter_id: 'abc' },
  };
  const validRaw = () => ({
    personalizations: [{ to: [{ email: 'mp@parl.gc.ca' }] }],
    from: { email: 'letters@campaign.example.ca' },
    subject: 'Hello',
    content: [{ type: 'text/plain', value: 'hi' }, { type: 'text/html', value: '<p>hi</p>' }],
  });
  const post = (body: unknown, key = fake.apiKey) =>
    axios.post<{ errors: Array<{ message: string; field: string | null }> }>(`${fake.url}/v3/mail/send`, body, {
      headers: { Authorization: `Bearer ${key}` },
      validateStatus: () => true,
    });

  beforeAll(async () => { fake = await startFakeSendgrid(); });
  afterAll(async () => { await fake.close(); });
  beforeEach(() => fake.reset());

  it('accepts a real @sendgrid/mail send with 202 and X-Message-Id', async () => {
    const next = fake.onAccepted();
    const [res] = await mailer().send(letter);
    expect(res.statusCode).toBe(202);
    const messageId = res.headers['x-message-id'] as string;
    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const [sent] = await fake.waitForAccepted(1);
    expect(await next).toBe(sent);
    expect(sent.messageId).toBe(messageId);
    expect(sent.body.content?.[0].type).toBe('text/plain');
    expect(sent.body.content?.[1].type).toBe('text/html');
    expect(sent.body.custom_args).toEqual({ letter_id: 'abc' });
    expect(sent.body.personalizations[0].to).toEqual([{ email: 'mp@parl.gc.ca', name: 'Hon. Member' }]);
    expect(sent.headers.authorization).toBe('Bearer SG.test-key');
    expect(fake.requestCount()).toBe(1);
  });

  it('waitForAccepted resolves for sends already in flight and times out clearly', async () => {
    const m = mailer();
    void Promise.all([m.send(letter), m.send(letter)]);
    expect(await fake.waitForAccepted(2)).toHaveLength(2);
    await expect(fake.waitForAccepted(3, 50)).rejects.toThrow(/waited 50 ms for 3 accepted mail\(s\), got 2/);
  });

  it('rejects a wrong key with ResponseError 401', async () => {
    const e = (await rejection(mailer('SG.wrong-key').send(letter))) as ResponseError;
    expect(e.code).toBe(401);
    expect(e.constructor.name).toBe('ResponseError');
    expect(JSON.stringify(e.response.body)).toContain('authorization grant is invalid');
    expect(fake.accepted()).toHaveLength(0);
  });

  it('answers 404 for other paths', async () => {
    const res = await axios.get(`${fake.url}/v3/nothing`, { validateStatus: () => true });
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ errors: [{ message: 'not found', field: null, help: null }] });
    expect(fake.requestCount()).toBe(0);
  });

  it('accepts a valid raw request', async () => {
    const res = await post(validRaw());
    expect(res.status).toBe(202);
    expect(res.headers['x-message-id']).toHaveLength(22);
  });

  const invalid: Array<[string, (b: Record<string, unknown>) => void, string]> = [
    ['missing personalizations', (b) => { delete b.personalizations; }, 'personalizations'],
    ['empty to', (b) => { b.personalizations = [{ to: [] }]; }, 'personalizations.0.to'],
    ['missing from', (b) => { delete b.from; }, 'from.email'],
    ['missing subject', (b) => { delete b.subject; }, 'subject'],
    ['missing content', (b) => { delete b.content; }, 'content'],
    ['html before text', (b) => { b.content = [{ type: 'text/html', value: '<p>x</p>' }, { type: 'text/plain', value: 'x' }]; }, 'content'],
    ['non-string custom arg', (b) => { b.custom_args = { letter_id: 42 }; }, 'custom_args'],
    ['non-string custom arg in a personalization', (b) => { b.personalizations = [{ to: [{ email: 'a@b.ca' }], custom_args: { n: 1 } }]; }, 'custom_args'],
    ['reply_to without email', (b) => { b.reply_to = { name: 'Jane' }; }, 'reply_to.email'],
    ['comma in a to name', (b) => { b.personalizations = [{ to: [{ email: 'a@b.ca', name: 'Doe, Jane' }] }]; }, 'personalizations.0.to.0.name'],
  ];
  it.each(invalid)('answers 400 for %s', async (_name, spoil, field) => {
    const body = validRaw() as Record<string, unknown>;
    spoil(body);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.data.errors[0].field).toBe(field);
    expect(fake.accepted()).toHaveLength(0);
    expect(fake.requestCount()).toBe(1);
  });

  it('gives the SendGrid messages for ordering and custom args', async () => {
    const order = validRaw();
    order.content.reverse();
    expect((await post(order)).data.errors[0].message)
      .toBe('If present, text/plain must be first, followed by text/html, followed by any other content.');
    expect((await post({ ...validRaw(), custom_args: { n: 1 } })).data.errors[0].message).toBe('Custom args values must be strings.');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await axios.post(`${fake.url}/v3/mail/send`, 'not json', {
      headers: { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/json' },
      validateStatus: () => true,
      transformRequest: [(d: string) => d],
    });
    expect(res.status).toBe(400);
  });

  it('plays the script in order, then goes back to the default', async () => {
    fake.script(500, 202);
    const m = mailer();
    const e = (await rejection(m.send(letter))) as ResponseError;
    expect(e.code).toBe(500);
    const [res] = await m.send(letter);
    expect(res.statusCode).toBe(202);
    expect((await m.send(letter))[0].statusCode).toBe(202);
    expect(fake.requestCount()).toBe(3);
    expect(fake.accepted()).toHaveLength(2);
  });

  it('does not use a script entry on an invalid request', async () => {
    fake.script(500);
    expect((await post({ ...validRaw(), from: undefined })).status).toBe(400);
    expect((await post(validRaw())).status).toBe(500);
    expect((await post(validRaw())).status).toBe(202);
  });

  it('answers a scripted 429 with rate-limit headers', async () => {
    fake.script(429);
    const sentFrom = Math.floor(Date.now() / 1000);
    const e = (await rejection(mailer().send(letter))) as ResponseError;
    const answeredBy = Math.floor(Date.now() / 1000);
    expect(e.code).toBe(429);
    expect(e.response.headers['x-ratelimit-remaining']).toBe('0');
    // The next second after the answer, in epoch seconds, however long the round trip took.
    const reset = Number(e.response.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThanOrEqual(sentFrom + 1);
    expect(reset).toBeLessThanOrEqual(answeredBy + 1);
  });

  it('uses setDefault when the script is empty', async () => {
    fake.setDefault(500);
    expect((await post(validRaw())).status).toBe(500);
    fake.script(202);
    expect((await post(validRaw())).status).toBe(202);
    expect((await post(validRaw())).status).toBe(500);
  });

  it('hangs so the client times out with ECONNABORTED', async () => {
    fake.script('hang');
    const e = await rejection(mailer(fake.apiKey, 200).send(letter));
    expect(e).toBeInstanceOf(AxiosError);
    expect((e as AxiosError).code).toBe('ECONNABORTED');
    expect(fake.requestCount()).toBe(1);
    expect(fake.accepted()).toHaveLength(0);
  });
});
