// Each campaigner has an account: signed in by an emailed link (a POST button: opening the link
// does nothing), with a role that decides what they may do, through the dashboard and through
// their own API tokens. Removing an account ends its sessions and tokens at once. Real
// PostgreSQL and Redis; SendGrid is the fake that receives the sign-in emails.
import request from 'supertest';
import { apiTokenOf, ensureAccount, signIn, signInLink } from '../helpers/campaigners';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const TOKEN = 'accounts-test-admin-token-0123456789';
const admin = { Authorization: `Bearer ${TOKEN}` };
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(() => service.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const cookieOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dearmp_admin='))?.split(';')[0];

describe('the first start', () => {
  it('makes the first owner from the admin token, and only while nobody has an account', async () => {
    const fresh = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN }, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const page = await request(fresh.app).get('/admin/login').expect(200);
      expect(page.text).toContain('First start');
      const wrong = await request(fresh.app).post('/admin/login/first-owner').type('form').send({ email: 'owner@example.org', token: 'not it' }).expect(401);
      expect(cookieOf(wrong)).toBeUndefined();
      const made = await request(fresh.app).post('/admin/login/first-owner').type('form').send({ email: 'owner@example.org', token: TOKEN }).expect(303);
      expect(made.headers.location).toBe('/admin/accounts');
      const accounts = await request(fresh.app).get('/admin/accounts').set('Cookie', cookieOf(made)!).expect(200);
      expect(accounts.text).toContain('You are signed in as owner@example.org, owner.');

      // Now that an account exists, the token makes nobody else an owner from the sign-in page.
      expect((await request(fresh.app).get('/admin/login').expect(200)).text).not.toContain('First start');
      const second = await request(fresh.app).post('/admin/login/first-owner').type('form').send({ email: 'intruder@example.org', token: TOKEN }).expect(409);
      expect(cookieOf(second)).toBeUndefined();
      const { body } = await request(fresh.app).get('/api/admin/accounts').set(admin).expect(200);
      expect(body.accounts.map((a: { email: string; role: string }) => [a.email, a.role])).toEqual([['owner@example.org', 'owner']]);
    } finally {
      await fresh.close();
    }
  });
});

describe('signing in by an emailed link', () => {
  it('sends a link only to an account, with the same answer for any address', async () => {
    await ensureAccount(service, 'lin@example.org', 'viewer');
    const forAccount = await request(service.app).post('/admin/login').type('form').send({ email: 'lin@example.org' }).expect(200);
    const forStranger = await request(service.app).post('/admin/login').type('form').send({ email: 'stranger@example.org' }).expect(200);
    const words = (html: string, email: string) => html.replace(new RegExp(email, 'g'), '<email>').replace(/name="csrf" value="[^"]*"/, '');
    expect(words(forStranger.text, 'stranger@example.org')).toBe(words(forAccount.text, 'lin@example.org'));
    await signInLink(service, 'lin@example.org'); // an email does arrive for the account…
    const toStranger = [...service.sendgrid.accepted(), ...service.sendgrid.supporterMail()].filter((m) => m.body.personalizations[0].to[0].email === 'stranger@example.org');
    expect(toStranger).toEqual([]); // …and none for the stranger
  });

  it('does nothing on GET: only the page’s button (POST) signs in, once', async () => {
    await ensureAccount(service, 'kai@example.org', 'editor');
    const secret = await signInLink(service, 'kai@example.org');
    const opened = await request(service.app).get(`/admin/login/link?token=${encodeURIComponent(secret)}`).expect(200);
    expect(cookieOf(opened)).toBeUndefined();
    expect(opened.text).toContain('<form method="post" action="/admin/login/link"');
    // Opening it again (a second scanner) still leaves it usable.
    await request(service.app).get(`/admin/login/link?token=${encodeURIComponent(secret)}`).expect(200);

    const pressed = await request(service.app).post('/admin/login/link').type('form').send({ token: secret }).expect(303);
    const cookie = cookieOf(pressed)!;
    expect((await request(service.app).get('/admin').set('Cookie', cookie)).status).toBe(200);
    // Once only.
    await request(service.app).post('/admin/login/link').type('form').send({ token: secret }).expect(410);
    await request(service.app).get(`/admin/login/link?token=${encodeURIComponent(secret)}`).expect(410);
    await request(service.app).post('/admin/login/link').type('form').send({ token: 'made-up' }).expect(410);
  });

  it('keeps no link secret in the database, only its hash', async () => {
    await ensureAccount(service, 'ola@example.org', 'viewer');
    const secret = await signInLink(service, 'ola@example.org');
    const { rows } = await service.deps.db.query<{ token_hash: string }>('SELECT token_hash FROM sign_in_links');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.token_hash)).not.toContain(secret);
  });
});

describe('roles', () => {
  const draft = async () => (await request(service.app).get('/api/admin/campaigns').set(admin).expect(200)).body;

  it('a viewer reads and exports, but cannot draft, publish or retry', async () => {
    const viewer = bearer(await apiTokenOf(service, 'vera@example.org', 'viewer'));
    await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(viewer).expect(200);
    await request(service.app).get('/api/admin/campaigns/xinjiang/export.csv').set(viewer).expect(200);
    const refused = await request(service.app).post('/api/admin/campaigns/xinjiang/publish').set(viewer).expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    await request(service.app).post('/api/admin/campaigns/xinjiang/copy').set(viewer).send({ slug: 'viewer-copy' }).expect(403);
    await request(service.app).post('/api/admin/campaigns/xinjiang/retry').set(viewer).expect(403);
    await request(service.app).post('/api/admin/campaigns/xinjiang/status').set(viewer).send({ status: 'paused' }).expect(403);
    expect((await draft()).campaigns.map((c: { slug: string }) => c.slug)).not.toContain('viewer-copy');

    // On the dashboard too: the buttons are not there, and the forms are refused.
    const session = await signIn(service, 'vera@example.org', 'viewer');
    const home = await request(service.app).get('/admin?campaign=xinjiang').set('Cookie', session.cookie).expect(200);
    expect(home.text).not.toContain('/admin/campaigns/xinjiang/status');
    expect(home.text).not.toContain('/admin/campaigns/xinjiang/edit');
    await request(service.app).post('/admin/campaigns/xinjiang/status').set('Cookie', session.cookie).type('form').send({ csrf: session.csrf, status: 'paused' }).expect(403);
    await request(service.app).get('/admin/campaigns/xinjiang/edit').set('Cookie', session.cookie).expect(403);
  });

  it('an editor drafts and previews but publishes only when an owner allows it, and never erases', async () => {
    const editor = bearer(await apiTokenOf(service, 'eli@example.org', 'editor'));
    await request(service.app).post('/api/admin/campaigns/xinjiang/copy').set(editor).send({ slug: 'editor-copy' }).expect(201);
    await request(service.app).post('/api/admin/campaigns/editor-copy/preview').set(editor).send({}).expect(200);
    await request(service.app).post('/api/admin/campaigns/editor-copy/publish').set(editor).expect(403);
    const erase = await request(service.app).delete('/api/admin/supporters/someone%40example.com').set(editor).expect(403);
    expect(erase.body.error.code).toBe('forbidden');
    await request(service.app).get('/api/admin/accounts').set(editor).expect(403);
    await request(service.app).post('/api/admin/accounts').set(editor).send({ email: 'friend@example.org', role: 'owner' }).expect(403);

    // The owner allows Eli to publish: the same token publishes now, and the version names Eli.
    const { body } = await request(service.app).get('/api/admin/accounts').set(admin).expect(200);
    const eli = body.accounts.find((a: { email: string }) => a.email === 'eli@example.org');
    await request(service.app).patch(`/api/admin/accounts/${eli.id}`).set(admin).send({ role: 'editor', mayPublish: true }).expect(200);
    expect((await request(service.app).post('/api/admin/campaigns/editor-copy/publish').set(editor).expect(200)).body).toEqual({ slug: 'editor-copy', version: 1 });
    const versions = await request(service.app).get('/api/admin/campaigns/editor-copy/versions').set(editor).expect(200);
    expect(versions.body.versions[0].publishedBy).toBe('eli@example.org');
  });

  it('an owner erases, and the erasure is named by the account', async () => {
    const owner = bearer(await apiTokenOf(service, 'omar@example.org', 'owner'));
    const email = supporter().email;
    await service.submit(supporter({ email }));
    await request(service.app).delete(`/api/admin/supporters/${encodeURIComponent(email)}`).set(owner).expect(200);
    const { rows } = await service.deps.db.query<{ by: string }>('SELECT by FROM erasures ORDER BY at DESC LIMIT 1');
    expect(rows).toEqual([{ by: 'omar@example.org' }]);
  });
});

describe('removing an account', () => {
  it('ends its sessions and its API tokens at once', async () => {
    const token = await apiTokenOf(service, 'rae@example.org', 'editor');
    const session = await signIn(service, 'rae@example.org', 'editor');
    await request(service.app).get('/api/admin/campaigns').set(bearer(token)).expect(200);
    await request(service.app).get('/admin').set('Cookie', session.cookie).expect(200);

    const id = await ensureAccount(service, 'rae@example.org');
    const owner = await signIn(service, 'omar@example.org', 'owner');
    await request(service.app).post(`/admin/accounts/${id}/remove`).set('Cookie', owner.cookie).type('form').send({ csrf: owner.csrf }).expect(303);

    await request(service.app).get('/api/admin/campaigns').set(bearer(token)).expect(401);
    expect((await request(service.app).get('/admin').set('Cookie', session.cookie)).status).toBe(303);
    // No new link either.
    await request(service.app).post('/admin/login').type('form').send({ email: 'rae@example.org' }).expect(200);
    const { rows } = await service.deps.db.query('SELECT 1 FROM sign_in_links l JOIN accounts a ON a.id = l.account_id WHERE a.email = $1 AND l.used_at IS NULL', ['rae@example.org']);
    expect(rows).toEqual([]);

    const activity = await request(service.app).get('/admin?campaign=xinjiang').set('Cookie', owner.cookie).expect(200);
    expect(activity.text).toContain('removed rae@example.org');
  });

  it('never removes or demotes the last owner', async () => {
    const fresh = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN }, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const id = await ensureAccount(fresh, 'solo@example.org', 'owner');
      expect((await request(fresh.app).delete(`/api/admin/accounts/${id}`).set(admin).expect(409)).body.error.code).toBe('last_owner');
      await request(fresh.app).patch(`/api/admin/accounts/${id}`).set(admin).send({ role: 'viewer' }).expect(409);
    } finally {
      await fresh.close();
    }
  });
});

describe('personal API tokens', () => {
  it('are shown once, stored hashed, carry the role, and can be revoked', async () => {
    const session = await signIn(service, 'tess@example.org', 'viewer');
    const made = await request(service.app).post('/admin/tokens').set('Cookie', session.cookie).type('form').send({ csrf: session.csrf, label: 'weekly report' }).expect(201);
    const token = /id="new-token">([^<]+)</.exec(made.text)![1];
    expect(made.headers['cache-control']).toBe('no-store');
    const later = await request(service.app).get('/admin/accounts').set('Cookie', session.cookie).expect(200);
    expect(later.text).toContain('weekly report');
    expect(later.text).not.toContain(token);
    const { rows } = await service.deps.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    expect(rows.map((r) => r.token_hash)).not.toContain(token);

    await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(bearer(token)).expect(200);
    await request(service.app).post('/api/admin/campaigns/xinjiang/publish').set(bearer(token)).expect(403);
    const listed = await request(service.app).get('/api/admin/tokens').set(bearer(token)).expect(200);
    const id = listed.body.tokens.find((t: { label: string }) => t.label === 'weekly report').id;
    await request(service.app).post(`/admin/tokens/${id}/revoke`).set('Cookie', session.cookie).type('form').send({ csrf: session.csrf }).expect(303);
    await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set(bearer(token)).expect(401);
  });

  it('refuses a bad account body with the fields named', async () => {
    const res = await request(service.app).post('/api/admin/accounts').set(admin).send({ email: 'not an address', role: 'boss' }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: { email: expect.any(String), role: expect.any(String) } });
    await request(service.app).post('/api/admin/accounts').set(admin).send({ email: 'lin@example.org', role: 'viewer' }).expect(409);
    await request(service.app).patch('/api/admin/accounts/not-an-id').set(admin).send({ role: 'viewer' }).expect(404);
  });
});
