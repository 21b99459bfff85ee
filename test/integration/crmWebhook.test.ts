// Opted-in supporters reach the organisation's CRM: each one posted once, signed (HMAC-SHA256 over
// the timestamp and the raw body), through the `crm` queue with retries after a 500; their
// withdrawal and erasure are posted too; Action Network's person signup helper as a preset.
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { startFakeCrm, type CrmPost, type FakeCrm } from '../fakes/fakeCrm';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const SECRET = 'crm-webhook-secret-0123456789abcdef';
const ADMIN_TOKEN = 'crm-admin-token-0123456789abcdef';

/** Checks the signature the way the README tells a CRM to. */
function verified(post: CrmPost): boolean {
  const header = String(post.headers['x-dearmp-signature'] ?? '');
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
  return !!t && createHmac('sha256', SECRET).update(`${t}.${post.raw}`).digest('hex') === v1 && Math.abs(Date.now() / 1000 - Number(t)) < 300;
}
const postsOfType = (crm: FakeCrm, type: string) => crm.posts().filter((p) => p.status === 200 && p.body.type === type);

describe('our signed format', () => {
  let crm: FakeCrm;
  let service: TestService;
  beforeAll(async () => {
    crm = await startFakeCrm();
    service = await startTestService({ env: { CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_SECRET: SECRET, CRM_WEBHOOK_BACKOFF_MS: '50', ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await service.close();
    await crm.close();
  });

  it('posts each supporter who agreed once, signed, and never one who did not; a 500 is tried again', async () => {
    crm.script(500, 500);
    const agreed = supporter({ consent: { updates: true }, source: { utm_source: 'newsletter' } });
    const declined = supporter({ consent: { updates: false } });
    await service.submitted(agreed);
    await service.submitted(declined);
    // The same person on the petition too: still one post.
    await request(service.app).post('/api/campaigns/xinjiang-petition/actions').send({ ...agreed, address: undefined }).expect(202);

    const [post] = await eventually(async () => postsOfType(crm, 'supporter.opted_in'), (p) => p.length >= 1, { what: 'the opted-in post' });
    expect(crm.posts().filter((p) => p.status === 500)).toHaveLength(2);
    expect(verified(post)).toBe(true);
    expect(post.body).toMatchObject({
      type: 'supporter.opted_in',
      supporter: { firstName: 'Mei', lastName: 'Tursun', email: agreed.email, postalCode: 'M5V 3L9', riding: 'Spadina—Harbourfront', province: 'ON', language: 'en' },
      consent: { wordingSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      campaign: { slug: 'xinjiang' },
      source: { utm_source: 'newsletter' },
      fromShare: false,
    });
    const { rows } = await service.deps.db.query<{ status: string; attempts: number }>("SELECT status, attempts FROM crm_deliveries WHERE kind = 'supporter'");
    expect(rows).toEqual([{ status: 'delivered', attempts: 3 }]);
    // A forged signature would not pass the same check.
    expect(verified({ ...post, raw: post.raw.replace('Mei', 'Eve') })).toBe(false);
    // Still one post, some sweeps later; none for the supporter who said no.
    await eventually(async () => (await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM crm_deliveries')).rows[0].n, (n) => n === 1, { what: 'one record' });
    expect(crm.posts().some((p) => JSON.stringify(p.body).includes(declined.email))).toBe(false);
  });

  it('a withdrawal and an erasure are posted too, and the erasure’s address is not kept once delivered', async () => {
    const person = supporter({ consent: { updates: true } });
    const sent = await service.submitted(person);
    await eventually(async () => postsOfType(crm, 'supporter.opted_in').filter((p) => (p.body.supporter as { email: string }).email === person.email), (p) => p.length === 1, { what: 'their opted-in post' });

    await request(service.app).post(`/actions/${sent.id}/updates`).type('form').send({ token: sent.token }).expect(200);
    const [withdrawn] = await eventually(async () => postsOfType(crm, 'supporter.withdrawn'), (p) => p.length === 1, { what: 'the withdrawal post' });
    expect(withdrawn.body).toMatchObject({ supporter: { email: person.email }, withdrawnAt: expect.any(String) });
    expect(verified(withdrawn)).toBe(true);

    await request(service.app).delete(`/api/admin/supporters/${encodeURIComponent(person.email)}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const [erased] = await eventually(async () => postsOfType(crm, 'supporter.erased'), (p) => p.length === 1, { what: 'the erasure post' });
    expect(erased.body).toMatchObject({ type: 'supporter.erased', supporter: { email: person.email } });
    await eventually(
      async () => (await service.deps.db.query<{ payload: unknown; status: string }>("SELECT payload, status FROM crm_deliveries WHERE kind = 'erasure'")).rows[0],
      (r) => r?.status === 'delivered' && r.payload === null,
      { what: 'the delivered erasure to keep no address' },
    );
  });

  it('counts the posts as the dashboard shows them: delivered, waiting, failing', async () => {
    const stats = await service.deps.crm.counts();
    expect(stats).toMatchObject({ failing: 0 });
    expect(stats.delivered).toBeGreaterThanOrEqual(3);
  });
});

describe('the Action Network preset', () => {
  it('posts the person signup helper’s body with the organisation’s API key', async () => {
    const crm = await startFakeCrm({ format: 'action-network', token: 'an-api-key' });
    const service = await startTestService({ env: { CRM_WEBHOOK_URL: crm.url, CRM_WEBHOOK_FORMAT: 'action-network', CRM_WEBHOOK_TOKEN: 'an-api-key' } });
    try {
      const person = supporter({ consent: { updates: true }, locale: 'fr' });
      await service.submitted(person);
      const [post] = await crm.waitForAccepted(1);
      expect(post.body).toEqual({
        person: {
          given_name: 'Mei', family_name: 'Tursun',
          email_addresses: [{ address: person.email, status: 'subscribed' }],
          postal_addresses: [{ postal_code: 'M5V 3L9', region: 'ON', country: 'CA' }],
          languages_spoken: ['fr'],
        },
        add_tags: ['dearmp', 'xinjiang'],
      });
    } finally {
      await service.close();
      await crm.close();
    }
  });
});
