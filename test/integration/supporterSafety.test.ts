// Nobody learns who wrote, nobody drains the look-ups, nobody locks anyone out: the attacks of
// issue 12, tried through HTTP as a stranger would, against real PostgreSQL and Redis.
import { signIn as signInAs } from '../helpers/campaigners';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import type { SentMail } from '../fakes/fakeSendgrid';

const TOKEN = 'supporter-safety-admin-token-0123456789';
const ROOT = path.join(__dirname, '..', '..');
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_TOKEN: TOKEN, FORM_MIN_MS: '0', TRUST_PROXY: 'true', ADMIN_AUTH_FAILURES_PER_IP_PER_MIN: '10' } });
});
afterAll(() => service.close());
beforeEach(() => service.sendgrid.reset());

const letterIdOf = (mail: SentMail) => mail.body.personalizations[0].custom_args?.letter_id ?? mail.body.custom_args?.letter_id ?? '';
const textOf = (mail: SentMail) => mail.body.content?.find((c) => c.type === 'text/plain')?.value ?? '';
const toOf = (mail: SentMail) => mail.body.personalizations[0].to[0].email;

/** The emails to supporters (not letters) the fake SendGrid accepted, whose id starts with `prefix` (to `to`, when given). */
async function mailsTo(prefix: string, to?: string): Promise<SentMail[]> {
  return eventually(
    async () => service.sendgrid.supporterMail().filter((m) => letterIdOf(m).startsWith(prefix) && (to === undefined || toOf(m) === to)),
    (mails) => mails.length >= 1,
    { what: `an email ${prefix}… ${to ? `to ${to}` : ''}` },
  );
}

/** The shape of a JSON value: its keys and the types of its leaves, not its values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort().map(([k, v]) => [k, shape(v)]));
  return value === null ? 'null' : typeof value;
}

/** The action page's form: its signed time, to post as the page would. */
async function stampOf(slug: string, ip = '203.0.113.9'): Promise<string> {
  const page = await request(service.app).get(`/campaigns/${slug}`).set('X-Forwarded-For', ip).expect(200);
  return /name="shownAt" value="([^"]+)"/.exec(page.text)![1];
}

describe('a submission never tells whether a mailbox acted before', () => {
  it.each([
    ['the same address in other case', 'Victim.One@gmail.com', 'VICTIM.ONE@GMAIL.COM'],
    ['a +tag at a provider that documents it', 'victim.two@gmail.com', 'victim.two+x@gmail.com'],
    ['dots Gmail ignores', 'victim.three@gmail.com', 'v.i.c.t.i.m.three@googlemail.com'],
  ])('JSON: %s gets the same answer as a new action, and the victim’s mailbox hears of it', async (_case, email, attacker) => {
    const campaign = 'xinjiang';
    const first = await request(service.app).post(`/api/campaigns/${campaign}/actions`).send(supporter({ email, locale: 'fr' })).expect(202);
    await mailsTo('receipt-', email.toLowerCase());
    service.sendgrid.reset();
    const junk = supporter({ email: attacker, firstName: 'X', lastName: 'Y', address: 'nowhere 1', city: 'Nowhere', message: 'junk' });
    const repeat = await request(service.app).post(`/api/campaigns/${campaign}/actions`).send(junk).expect(202);

    expect(shape(repeat.body)).toEqual(shape(first.body));
    expect(Object.keys(repeat.body).sort()).toEqual(['confirmationRequired', 'kind', 'letters', 'received', 'share']);
    const everything = JSON.stringify(repeat.body) + JSON.stringify(repeat.headers);
    for (const secret of ['id', 'token', 'statusUrl']) expect(repeat.body).not.toHaveProperty(secret);
    const { rows } = await service.deps.db.query<{ id: string; token: string; referral_code: string }>(
      'SELECT a.id, a.token, a.referral_code FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE lower(s.email) = lower($1)',
      [email],
    );
    expect(rows).toHaveLength(1);
    expect(everything).not.toContain(rows[0].id);
    expect(everything).not.toContain(rows[0].token);
    // The repeat's share link has a code of its own: the first action's would tell it acted.
    expect(everything).not.toContain(rows[0].referral_code);
    // The person's own paragraph, name and address never come back.
    expect(everything).not.toContain('Tursun');
    expect(everything).not.toContain('12 Front Street');

    // The note goes to the mailbox that acted, with that action's link, in the language of the request.
    const [note] = await mailsTo('already-', email.toLowerCase());
    expect(textOf(note)).toContain(`/actions/${rows[0].id}?token=${encodeURIComponent(rows[0].token)}`);
    expect(textOf(note)).toMatch(/nothing was sent twice/);
    // No second letters.
    expect((await service.deps.db.query('SELECT 1 FROM letters l JOIN actions a ON a.id = l.action_id WHERE a.id = $1', [rows[0].id])).rows).toHaveLength(2);
  });

  it('the no-JavaScript form: a repeat gets the same thank-you page, with nothing of the first action', async () => {
    const email = 'form.victim@example.org';
    const post = async (overrides: Record<string, unknown>) =>
      request(service.app)
        .post('/campaigns/xinjiang')
        .type('form')
        .send({ ...supporter({ email, ...overrides }), consent: undefined, shownAt: await stampOf('xinjiang') })
        .expect(200);
    const first = await post({});
    const repeat = await post({ firstName: 'Stranger', address: 'Elsewhere 9', message: 'spying' });
    const { rows } = await service.deps.db.query<{ id: string; token: string }>(
      'SELECT a.id, a.token FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE s.email = $1',
      [email],
    );
    for (const page of [first.text, repeat.text]) {
      expect(page).toContain('id="thanks-title"');
      expect(page).not.toContain(rows[0].id);
      expect(page).not.toContain(rows[0].token);
      expect(page).not.toContain('Front Street');
    }
    // The same page but for the composed subjects: one structure, whoever asks.
    // And the share links' code, fresh for every answer, new action or not.
    const skeleton = (html: string) =>
      html.replace(/<p class="letter-subject">[^<]*<\/p>/g, '').replace(/value="[^"]*"/g, '').replace(/ref(=|%3D|&#x3D;)[\w-]{12}/g, 'ref=…');
    expect(skeleton(repeat.text)).toBe(skeleton(first.text));
    expect(repeat.headers.location).toBeUndefined();
  });

  it('a petition: a repeat signature is answered like the first, and the signer’s mailbox hears of it', async () => {
    const email = 'signer.victim@example.org';
    const sign = (overrides: Record<string, unknown> = {}) =>
      request(service.app).post('/api/campaigns/xinjiang-petition/actions').send(supporter({ email, address: undefined, message: undefined, ...overrides })).expect(202);
    const first = await sign();
    const repeat = await sign({ firstName: 'Someone', email: email.toUpperCase() });
    const withoutCode = (body: { share: { url: string } }) => ({ ...body, share: { url: body.share.url.replace(/ref=[\w-]{12}$/, 'ref=…') } });
    expect(withoutCode(repeat.body)).toEqual(withoutCode(first.body));
    expect(withoutCode(first.body)).toEqual({ received: true, kind: 'petition', letters: [], confirmationRequired: true, share: { url: 'https://act.example.org/campaigns/xinjiang-petition?lang=en&ref=…' } });
    const [note] = await mailsTo('already-', email);
    expect(textOf(note)).toMatch(/already signed/);
  });
});

describe('the receipt', () => {
  it('brings the status link to the supporter, in their language, with each letter as sent; erasure removes it', async () => {
    const email = 'recu.francais@example.org';
    const res = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ email, locale: 'fr' })).expect(202);
    const [receipt] = await mailsTo('receipt-', email);
    expect(receipt.body.subject).toMatch(/^Vos lettres : /);
    expect(receipt.body.from.name).toBe('Organisation exemple de défense des droits de la personne');
    const text = textOf(receipt);
    for (const letter of res.body.letters) expect(text).toContain(letter.subject);
    const link = /https:\/\/act\.example\.org(\/actions\/[^\s]+)/.exec(text)![1];
    const status = await request(service.app).get(link).expect(200);
    expect(status.text).toContain('lang="fr"');
    expect(status.text).toContain('Vos lettres');
    // Without `lang`, and from an English browser, the page is still entirely in the supporter's language.
    const bare = await request(service.app).get(link.replace(/&lang=fr/, '')).set('Accept-Language', 'en-CA,en;q=0.9').expect(200);
    expect(bare.text).toContain('lang="fr"');
    expect(bare.text).not.toMatch(/Your letters|Waiting to be sent|Being sent now/);
    // And every link on it carries the language (but the switch to the other one).
    const links = [...bare.text.matchAll(/<a ([^>]*)>/g)].map(([, attributes]) => attributes).filter((a) => !a.includes('hreflang='));
    expect(links.length).toBeGreaterThan(0);
    for (const attributes of links) {
      const href = /href="([^"]*)"/.exec(attributes)?.[1] ?? '';
      if (href.startsWith('#') || href.startsWith('mailto:')) continue;
      // A share link carries it inside the address it shares.
      expect(href).toMatch(/lang(=|&#x3D;|%3D)fr/);
    }
    // Not a letter: not in the letters' counts.
    const stats = await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    const letters = Object.values(stats.body.letters as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(letters).toBe((await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE campaign_slug = 'xinjiang'")).rows[0].n);

    await request(service.app).delete(`/api/admin/supporters/${email}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    const left = await service.deps.db.query("SELECT 1 FROM supporter_emails WHERE id = $1", [letterIdOf(receipt)]);
    expect(left.rows).toHaveLength(0);
    await request(service.app).get(link).expect(404);
  });

  it('is written to the local outbox without SendGrid, and erased from it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-receipt-'));
    const outboxService = await startTestService({
      env: { ADMIN_TOKEN: TOKEN, SENDGRID_API_KEY: '', DATA_DIR: dataDir },
      represent: service.represent,
      sendgrid: service.sendgrid,
    });
    try {
      await request(outboxService.app).post('/api/campaigns/xinjiang/actions').send(supporter({ email: 'outbox.receipt@example.org' })).expect(202);
      const outbox = path.join(dataDir, 'outbox');
      const file = await eventually(
        async () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).find((f) => f.startsWith('receipt-') && f.endsWith('.eml')) : undefined),
        (f) => f !== undefined,
        { what: 'the receipt in the outbox' },
      );
      expect(fs.readFileSync(path.join(outbox, file!), 'utf8')).toContain('/actions/');
      await request(outboxService.app).delete('/api/admin/supporters/outbox.receipt@example.org').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      expect(fs.existsSync(path.join(outbox, file!))).toBe(false);
    } finally {
      await outboxService.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('look-ups are shared fairly', () => {
  const codes = Array.from({ length: 60 }, (_, i) => `K${i % 10}${'ABCEGHJKLM'[Math.floor(i / 10)]} 1A1`);

  beforeAll(() => {
    const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'represent', 'postcode-M5V3L9-single-mp.json'), 'utf8')) as object;
    for (const code of [...codes, 'N2L 1A1']) service.represent.addPostcode({ ...template, code: code.replace(' ', '') });
  });

  it('60 distinct codes from one address: it gets 429 (in its language), another address still gets its MP', async () => {
    const limited = await startTestService({
      env: { TRUST_PROXY: 'true', LOOKUP_RATE_PER_IP_PER_MIN: '10' },
      represent: service.represent,
      sendgrid: service.sendgrid,
    });
    try {
      const answers = [];
      for (const code of codes) {
        answers.push(await request(limited.app).get(`/api/campaigns/xinjiang/representatives?postalCode=${encodeURIComponent(code)}&lang=fr`).set('X-Forwarded-For', '198.51.100.7'));
      }
      expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(50);
      expect(refused[0].headers['retry-after']).toMatch(/^\d+$/);
      expect(refused[0].body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Trop de tentatives/) });
      const other = await request(limited.app).get('/api/campaigns/xinjiang/representatives?postalCode=N2L1A1').set('X-Forwarded-For', '192.0.2.44').expect(200);
      expect(other.body.representatives).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('one address cannot spend more than its share of the Represent budget', async () => {
    service.represent.reset();
    const shared = await startTestService({
      env: { TRUST_PROXY: 'true', LOOKUP_RATE_PER_IP_PER_MIN: '1000', REPRESENT_RATE_PER_MIN: '50', REPRESENT_VISITOR_SHARE_PERCENT: '20' },
      represent: service.represent,
      sendgrid: service.sendgrid,
    });
    try {
      const statuses = [];
      for (const code of codes.slice(0, 15)) {
        statuses.push((await request(shared.app).get(`/api/campaigns/xinjiang/representatives?postalCode=${encodeURIComponent(code)}`).set('X-Forwarded-For', '198.51.100.8')).status);
      }
      // A fifth of 50: ten look-ups, then this address is told to wait.
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
      expect(service.represent.count()).toBe(10);
      await request(shared.app).get(`/api/campaigns/xinjiang/representatives?postalCode=${encodeURIComponent(codes[20])}`).set('X-Forwarded-For', '192.0.2.45').expect(200);
    } finally {
      await shared.close();
    }
  });
});

describe('limits that cannot be turned against a supporter', () => {
  it('ten invalid posts with someone’s email, then their own letter: 202', async () => {
    const email = 'locked.out@example.org';
    for (let i = 0; i < 10; i++) {
      await request(service.app).post('/api/campaigns/xinjiang/actions').send({ email, firstName: '', postalCode: 'nonsense' }).expect(400);
    }
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ email })).expect(202);
  });

  it('repeats do not count against the mailbox either, but actions taken do', async () => {
    const limited = await startTestService({ env: { SUBMIT_RATE_PER_EMAIL_PER_HOUR: '2' }, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const email = 'busy.person@example.org';
      // One action and three repeats: one counted.
      for (let i = 0; i < 4; i++) await request(limited.app).post('/api/campaigns/xinjiang/actions').send(supporter({ email })).expect(202);
      // So a second action still goes in; now two are counted, and the hour's allowance is spent.
      await request(limited.app).post('/api/campaigns/xinjiang-petition/actions').send(supporter({ email })).expect(202);
      const third = await request(limited.app).post('/api/campaigns/xinjiang/actions').send(supporter({ email }));
      expect([third.status, third.body.error?.code]).toEqual([429, 'rate_limited']);
      expect(third.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });
});

describe('bot checks that hold', () => {
  const formPost = (shownAt: string | undefined, email: string) =>
    request(service.app).post('/campaigns/xinjiang').type('form').send({ ...supporter({ email }), consent: undefined, shownAt });

  it('refuses a made-up or reused form time, like a too-fast post', async () => {
    const forged = await formPost(`${Date.now() - 60_000}.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`, 'forged@example.org');
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('id="error-summary"');
    expect((await formPost('1', 'one@example.org')).status).toBe(400);
    const stamp = await stampOf('xinjiang');
    expect((await formPost(stamp, 'first.use@example.org')).status).toBe(200);
    expect((await formPost(stamp, 'second.use@example.org')).status).toBe(400);
    const { rows } = await service.deps.db.query("SELECT 1 FROM supporters WHERE email IN ('forged@example.org', 'one@example.org', 'second.use@example.org')");
    expect(rows).toHaveLength(0);
  });

  it('checks the JSON API too: the hidden field, and a stamp when one is sent; a stamp of a failed post can be used again', async () => {
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ faxNumber: '555-0100' })).expect(400);
    const reused = await stampOf('xinjiang');
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ shownAt: reused })).expect(202);
    const again = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ shownAt: reused })).expect(400);
    expect(again.body.error.code).toBe('try_again');
    const stamp = await stampOf('xinjiang');
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ shownAt: stamp, city: '' })).expect(400);
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter({ shownAt: stamp })).expect(202);
  });

  it('serves a JSON request without a stamp, within a stricter allowance', async () => {
    const strict = await startTestService({ env: { TRUST_PROXY: 'true', SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN: '2', FORM_MIN_MS: '0' }, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const send = (body: Record<string, unknown>) => request(strict.app).post('/api/campaigns/xinjiang/actions').set('X-Forwarded-For', '198.51.100.20').send(body);
      await send(supporter()).expect(202);
      await send(supporter()).expect(202);
      expect((await send(supporter())).status).toBe(429);
      const page = await request(strict.app).get('/campaigns/xinjiang').expect(200);
      const stamp = /name="shownAt" value="([^"]+)"/.exec(page.text)![1];
      await send(supporter({ shownAt: stamp })).expect(202);
    } finally {
      await strict.close();
    }
  });
});

describe('admin and operations', () => {
  const signIn = () => signInAs(service, 'dana@example.org');

  it('logging out ends the session: the old cookie no longer works', async () => {
    const { cookie, csrf } = await signIn();
    await request(service.app).post('/admin/logout').set('Cookie', cookie).type('form').send({ csrf }).expect(303);
    const after = await request(service.app).get('/admin').set('Cookie', cookie).expect(303);
    expect(after.headers.location).toMatch(/^\/admin\/login/);
  });

  it('signing out everywhere ends every session of the account', async () => {
    const first = await signIn();
    const second = await signIn();
    await request(service.app).post('/admin/logout-everywhere').set('Cookie', second.cookie).type('form').send({ csrf: second.csrf }).expect(303);
    for (const { cookie } of [first, second]) expect((await request(service.app).get('/admin').set('Cookie', cookie)).status).toBe(303);
  });

  it('twenty wrong bearer tokens: 429, and then even the right one waits', async () => {
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set('X-Forwarded-For', '198.51.100.66').set('Authorization', `Bearer guess-${i}`)).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));
    await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set('X-Forwarded-For', '198.51.100.66').set('Authorization', `Bearer ${TOKEN}`).expect(429);
    await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set('X-Forwarded-For', '198.51.100.67').set('Authorization', `Bearer ${TOKEN}`).expect(200);
  });

  it('a short ADMIN_TOKEN in production stops start-up with one line naming it', async () => {
    const outcome = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js'), 'web'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ADMIN_TOKEN: 'short', DATABASE_URL: 'postgres://127.0.0.1:1/none' },
      timeout: 20_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain('ADMIN_TOKEN');
  });

  it('/metrics needs a token', async () => {
    await request(service.app).get('/metrics').expect(401);
    await request(service.app).get('/metrics').set('Authorization', 'Bearer nope').expect(401);
    const metrics = await request(service.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(metrics.text).toContain('dearmp_actions_total');
  });

  it('a dashboard notice is never text from the address', async () => {
    const { cookie } = await signIn();
    const page = await request(service.app).get(`/admin?campaign=xinjiang&done=${encodeURIComponent('Your account is locked, call 555-0100')}`).set('Cookie', cookie).expect(200);
    expect(page.text).not.toContain('555-0100');
    expect(page.text).not.toContain('role="status"');
  });

  describe('the SendGrid webhook', () => {
    let webhook: TestService;
    let keys: { privateKey: import('node:crypto').KeyObject; publicKey: string };

    beforeAll(async () => {
      const crypto = await import('node:crypto');
      const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      keys = { privateKey: pair.privateKey, publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
      webhook = await startTestService({ workers: false, env: { SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey }, represent: service.represent, sendgrid: service.sendgrid });
    });
    afterAll(() => webhook.close());

    it('refuses a correctly signed call from a year ago', async () => {
      const crypto = await import('node:crypto');
      const raw = '[{"event":"delivered","timestamp":1700000000,"sg_event_id":"old-1","letter_id":"00000000-0000-4000-8000-000000000000"}]\r\n';
      const sign = (ts: string) => crypto.sign('sha256', Buffer.from(ts + raw), keys.privateKey).toString('base64');
      const post = (ts: string) =>
        request(webhook.app).post('/webhooks/sendgrid').set('Content-Type', 'application/json')
          .set('X-Twilio-Email-Event-Webhook-Signature', sign(ts)).set('X-Twilio-Email-Event-Webhook-Timestamp', ts).send(raw);
      const yearAgo = String(Math.floor(Date.now() / 1000) - 365 * 24 * 3600);
      expect((await post(yearAgo)).status).toBe(401);
      // A day's retry still passes.
      expect((await post(String(Math.floor(Date.now() / 1000) - 23 * 3600))).status).toBe(204);
    });

    it('refuses 5 MB without a signature before reading it', async () => {
      const server = http.createServer(webhook.app).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const size = 5 * 1024 * 1024;
        const outcome = await new Promise<{ status: number; written: number }>((resolve) => {
          const req = http.request({ port, method: 'POST', path: '/webhooks/sendgrid', headers: { 'Content-Type': 'application/json', 'Content-Length': size } });
          let status = 0;
          req.on('response', (res) => {
            status = res.statusCode ?? 0;
            res.resume();
            res.on('end', () => resolve({ status, written: req.socket?.bytesWritten ?? 0 }));
          });
          req.on('error', () => resolve({ status, written: req.socket?.bytesWritten ?? size }));
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < size) {
              sent += chunk.length;
              if (!req.write(chunk)) return req.once('drain', pump);
            }
            req.end();
          };
          pump();
        });
        expect(outcome.status).toBe(401);
        // The server answered and closed long before 5 MB went through.
        expect(outcome.written).toBeLessThan(size);
      } finally {
        server.close();
      }
    });
  });
});
