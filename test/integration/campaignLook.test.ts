// The page looks like the organisation's: an accent colour checked for contrast (refused with the
// nearest colour that passes), a logo and a main image uploaded, resized by sharp, served from
// here with `srcset`, and described in each language. Real PostgreSQL and Redis.
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { readCampaignFolder } from '../../src/adapters/campaigns/campaignLoader';
import { contrastWithWhite } from '../../src/domain/accentColour';
import { signIn } from '../helpers/campaigners';
import { startTestService, type TestService } from '../helpers/testService';

const TOKEN = 'campaign-look-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const SAMPLE = readCampaignFolder(path.join(__dirname, '..', '..', 'data', 'campaigns', 'xinjiang'));
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(() => service.close());

/** A picture as a camera would give it: wide, in colour. */
const picture = (width: number, height: number, format: 'png' | 'jpeg' = 'png') =>
  sharp({ create: { width, height, channels: 3, background: { r: 180, g: 40, b: 60 } } })[format]().toBuffer();

const definition = (slug: string, look: Record<string, unknown>) => ({ ...structuredClone(SAMPLE), slug, look });
const upload = (bytes: Buffer, type = 'image/png') => request(service.app).post('/api/admin/images').set(auth).set('Content-Type', type).send(bytes);

describe('images', () => {
  it('are resized to a few widths in WebP and JPEG, and served from here for a year', async () => {
    const res = await upload(await picture(2000, 800)).expect(201);
    expect(res.body).toEqual({ image: expect.stringMatching(/^[a-f0-9]{16}$/), widths: [480, 960, 1600] });
    for (const [width, format] of [[480, 'webp'], [960, 'jpeg'], [1600, 'webp']] as const) {
      const served = await request(service.app).get(`/images/${res.body.image}/${width}.${format}`).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(served.headers['content-type']).toBe(`image/${format}`);
      expect(served.headers['cache-control']).toContain('immutable');
      expect(await sharp(served.body as Buffer).metadata()).toMatchObject({ width, format });
    }
    // The same file again is the same image.
    expect((await upload(await picture(2000, 800)).expect(201)).body.image).toBe(res.body.image);
  });

  it('never makes a small picture bigger', async () => {
    const res = await upload(await picture(300, 100, 'jpeg'), 'image/jpeg').expect(201);
    expect(res.body.widths).toEqual([300]);
    const served = await request(service.app).get(`/images/${res.body.image}/1600.webp`).expect(200);
    expect((await sharp(served.body as Buffer).metadata()).width).toBe(300);
  });

  it('refuses what is not a picture, and knows only images that exist', async () => {
    expect((await upload(Buffer.from('<svg onload=alert(1)>'), 'image/png').expect(400)).body.error.code).toBe('validation_failed');
    await request(service.app).post('/api/admin/images').set(auth).set('Content-Type', 'image/svg+xml').send('<svg/>').expect(400);
    await request(service.app).get('/images/0123456789abcdef/480.webp').expect(404);
    await request(service.app).get('/images/../480.webp').expect(404);
    await request(service.app).get('/images/0123456789abcdef/480.gif').expect(404);
  });
});

describe('the accent colour', () => {
  it('is refused when white text on it is hard to read, with the nearest colour that passes', async () => {
    const res = await request(service.app).post('/api/admin/campaigns').set(auth).send(definition('pale', { accentColour: '#7fb2ff' })).expect(400);
    const problem = res.body.error.fields['look.accentColour'] as string;
    expect(problem).toMatch(/contrast of 2\.\d+:1, under the 4\.5:1/);
    const suggestion = /(#[0-9a-f]{6}) is the nearest colour that passes/.exec(problem)![1];
    expect(contrastWithWhite(suggestion)).toBeGreaterThanOrEqual(4.5);
    // The suggestion is accepted as it is.
    await request(service.app).post('/api/admin/campaigns').set(auth).send(definition('pale', { accentColour: suggestion })).expect(201);
  });

  it('colours the published page through its own stylesheet', async () => {
    await request(service.app).post('/api/admin/campaigns').set(auth).send(definition('green-look', { accentColour: '#1d6b2f', shareText: { en: 'Write to your MP with me:', fr: 'Écrivez à votre député avec moi :' } })).expect(201);
    const { version } = (await request(service.app).post('/api/admin/campaigns/green-look/publish').set(auth).expect(200)).body;
    const page = await request(service.app).get('/campaigns/green-look').expect(200);
    expect(page.text).toContain(`<link rel="stylesheet" href="/campaigns/green-look/look.css?v&#x3D;${version}">`);
    const css = await request(service.app).get('/campaigns/green-look/look.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).toContain('--accent: #1d6b2f;');
    // The sample campaign keeps the default look: no stylesheet of its own.
    expect((await request(service.app).get('/campaigns/xinjiang').expect(200)).text).not.toContain('look.css');
  });
});

describe('the logo and the main image', () => {
  it('need their description in every language', async () => {
    const { image } = (await upload(await picture(1200, 600)).expect(201)).body;
    const res = await request(service.app).post('/api/admin/campaigns').set(auth).send(definition('no-alt', { hero: { image, alt: { en: 'Families holding photos', fr: '' } } })).expect(400);
    expect(Object.keys(res.body.error.fields)).toContain('look.hero.alt.fr');
  });

  it('are shown with srcset and their description in the page’s language', async () => {
    const hero = (await upload(await picture(1800, 900)).expect(201)).body.image;
    const logo = (await upload(await picture(400, 200)).expect(201)).body.image;
    await request(service.app).post('/api/admin/campaigns').set(auth).send(definition('pictured', {
      hero: { image: hero, alt: { en: 'Relatives holding photos of the missing', fr: 'Des proches tenant des photos des disparus' } },
      logo: { image: logo, alt: { en: 'Example Org logo', fr: 'Logo d’Org exemple' } },
    })).expect(201);
    await request(service.app).post('/api/admin/campaigns/pictured/publish').set(auth).expect(200);
    const en = (await request(service.app).get('/campaigns/pictured').expect(200)).text;
    expect(en).toContain(`srcset="/images/${hero}/480.webp 480w, /images/${hero}/960.webp 960w, /images/${hero}/1600.webp 1600w"`);
    expect(en).toContain('alt="Relatives holding photos of the missing"');
    expect(en).toContain(`src="/images/${logo}/960.jpeg"`);
    const fr = (await request(service.app).get('/campaigns/pictured?lang=fr').expect(200)).text;
    expect(fr).toContain('alt="Des proches tenant des photos des disparus"');
    expect(fr).toContain('alt="Logo d’Org exemple"');
  });

  it('can be uploaded from the editor, into the draft', async () => {
    await request(service.app).post('/api/admin/campaigns/xinjiang/copy').set(auth).send({ slug: 'uploaded' }).expect(201);
    const session = await signIn(service, 'dana@example.org', 'editor');
    const res = await request(service.app)
      .post('/admin/campaigns/uploaded/images')
      .set('Cookie', session.cookie)
      .field('csrf', session.csrf)
      .field('slot', 'hero')
      .field('alt.en', 'A crowd at a vigil')
      .field('alt.fr', 'Une foule lors d’une veillée')
      .attach('image', await picture(1000, 500, 'jpeg'), { filename: 'vigil.jpg', contentType: 'image/jpeg' })
      .expect(303);
    expect(res.headers.location).toBe('/admin/campaigns/uploaded/edit?uploaded=1');
    const draft = await service.deps.campaignVersions.draft('uploaded');
    expect((draft as { look: { hero: unknown } }).look.hero).toEqual({ image: expect.stringMatching(/^[a-f0-9]{16}$/), alt: { en: 'A crowd at a vigil', fr: 'Une foule lors d’une veillée' } });
    // Too big a file is a clear 413, never a 500.
    const huge = await request(service.app)
      .post('/admin/campaigns/uploaded/images')
      .set('Cookie', session.cookie)
      .field('csrf', session.csrf)
      .attach('image', Buffer.alloc(11 * 1024 * 1024, 1), { filename: 'huge.jpg', contentType: 'image/jpeg' });
    expect(huge.status).toBe(413);
  });
});
