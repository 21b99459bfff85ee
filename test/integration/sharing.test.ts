// Sharing that counts, and knowing where supporters came from: the page address's utm_* and src
// ride through the form (JS and no-JS) and are stored per action, checked; each supporter's share
// links carry a referral code; actions through it are counted to them on their status page (from
// three people on, so a count never points at one friend); the stats and the CSV show sources.
import { createHmac, randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const FORM_SECRET = 'sharing-test-secret-0123456789abcdef';
const ADMIN_TOKEN = 'sharing-admin-token-0123456789abcdef';
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { FORM_MIN_MS: '0', FORM_SECRET, ADMIN_TOKEN } });
});
afterAll(() => service.close());

const stamp = () => {
  const payload = `${Date.now() - 10_000}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${createHmac('sha256', FORM_SECRET).update(payload).digest('base64url')}`;
};
const stored = async (email: string) =>
  (
    await service.deps.db.query<{ referral_code: string | null; referred_by: string | null; source: Record<string, string> | null }>(
      'SELECT a.referral_code, a.referred_by, a.source FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE s.email = $1',
      [email],
    )
  ).rows[0];
const codeOf = (shareUrl: string) => new URL(shareUrl).searchParams.get('ref');
/** As Handlebars writes a value into HTML. */
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;');

describe('where supporters came from', () => {
  it('the page keeps the address’s utm_* and src in hidden fields, checked and escaped, and the no-JS form stores them', async () => {
    const page = await request(service.app)
      .get('/campaigns/xinjiang')
      .query({ utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'dec-2026', utm_content: '<script>alert(1)</script>', src: 'partner-x' })
      .expect(200);
    expect(page.text).toContain('<input type="hidden" name="source[utm_source]" value="newsletter">');
    expect(page.text).toContain('<input type="hidden" name="source[src]" value="partner-x">');
    expect(page.text).not.toContain('name="source[utm_content]"');
    expect(page.text).not.toContain('<script>alert(1)');

    const person = supporter();
    const form = new URLSearchParams({
      firstName: person.firstName, lastName: person.lastName, email: person.email, postalCode: person.postalCode,
      address: person.address, city: person.city, locale: 'en', shownAt: stamp(),
      'source[utm_source]': 'newsletter', 'source[utm_medium]': 'email', 'source[utm_campaign]': 'dec-2026', 'source[src]': 'partner-x',
    });
    const thanks = await request(service.app).post('/campaigns/xinjiang').type('form').send(form.toString()).expect(200);
    expect(await stored(person.email)).toMatchObject({
      referred_by: null,
      source: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'dec-2026', src: 'partner-x' },
    });
    // The thank-you page's share links carry this action's code, and say which channel they are.
    const { referral_code } = await stored(person.email);
    expect(referral_code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(thanks.text).toContain(`value="${escaped(`https://act.example.org/campaigns/xinjiang?lang=en&ref=${referral_code}`)}"`);
    for (const channel of ['https://wa.me/?text=', 'https://www.facebook.com/sharer/sharer.php?u=', 'https://x.com/intent/post?text=', 'https://bsky.app/intent/compose?text=', 'mailto:?subject=']) {
      expect(thanks.text).toContain(`href="${escaped(channel)}`);
    }
    expect(thanks.text).toContain(encodeURIComponent(`ref=${referral_code}&utm_source=share&utm_medium=whatsapp`));
    // No third-party script, image or font: only links.
    expect(thanks.text).not.toMatch(/<(script|img|link)[^>]+(wa\.me|facebook|x\.com|bsky)/);
  });

  it('a bad source value is dropped, never a refusal', async () => {
    const person = supporter({ source: { utm_source: 'x'.repeat(101), utm_medium: ['array'], src: 'ok-tag' }, ref: '../../etc' });
    await request(service.app).post('/api/campaigns/xinjiang/actions').send(person).expect(202);
    expect(await stored(person.email)).toMatchObject({ source: { src: 'ok-tag' }, referred_by: null });
  });
});

describe('sharing that counts', () => {
  it('each answer carries a share link with a fresh code; a repeat gets a code that counts nothing', async () => {
    const person = supporter();
    const first = await request(service.app).post('/api/campaigns/xinjiang/actions').send(person).expect(202);
    const again = await request(service.app).post('/api/campaigns/xinjiang/actions').send(person).expect(202);
    const code = codeOf(first.body.share.url);
    expect((await stored(person.email)).referral_code).toBe(code);
    expect(codeOf(again.body.share.url)).not.toBe(code);
    // The two answers have the same shape: nothing tells the repeat apart.
    expect(Object.keys(again.body).sort()).toEqual(Object.keys(first.body).sort());
  });

  it('counts actions through a supporter’s link on their status page, from three people on', async () => {
    const sharer = await service.submitted(supporter());
    const code = (await stored((await service.deps.db.query<{ email: string }>(
      'SELECT s.email FROM supporters s JOIN actions a ON a.supporter_id = s.id WHERE a.id = $1', [sharer.id],
    )).rows[0].email)).referral_code!;
    const statusText = async () => (await request(service.app).get(`/actions/${sharer.id}`).query({ token: sharer.token }).expect(200)).text;

    for (let i = 0; i < 2; i += 1) await service.submitted(supporter({ ref: code, source: { utm_source: 'share', utm_medium: 'whatsapp' } }));
    expect(await statusText()).toContain('Once 3 or more people act through your link, we will say here how many.');
    await service.submitted(supporter({ ref: code, source: { utm_source: 'share', utm_medium: 'x' } }));
    expect(await statusText()).toContain('3 people wrote after you shared. Thank you!');

    const stats = await request(service.app).get('/api/admin/campaigns/xinjiang/stats').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(stats.body.fromShares).toBe(3);
    expect(stats.body.bySource).toContainEqual({ source: 'share', medium: 'whatsapp', actions: 2 });
    expect(stats.body.bySource).toContainEqual({ source: 'share', medium: 'x', actions: 1 });
    const csv = await request(service.app).get('/api/admin/campaigns/xinjiang/export.csv').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const [header, ...rows] = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(header.split(',').slice(-3)).toEqual(['source', 'medium', 'from_share']);
    expect(rows.filter((r) => r.endsWith(',share,whatsapp,true'))).toHaveLength(4); // two actions, two letters each
  });
});
