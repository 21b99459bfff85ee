// The organisation can frame the pages on its own site and call the API from its own pages;
// nobody else can.
import request from 'supertest';
import { startTestService, type TestService } from '../helpers/testService';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({
    workers: false,
    env: { FRAME_ANCESTORS: 'https://www.example.org', CORS_ORIGINS: 'https://www.example.org https://widgets.example.org' },
  });
});
afterAll(() => service.close());

it('lets the configured sites frame the action page, and no others', async () => {
  const res = await request(service.app).get('/campaigns/xinjiang').expect(200);
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self' https://www.example.org");
  expect(res.headers['x-frame-options']).toBeUndefined();
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
});

it('answers CORS for allowed origins only', async () => {
  const allowed = await request(service.app).get('/api/campaigns/xinjiang').set('Origin', 'https://widgets.example.org').expect(200);
  expect(allowed.headers['access-control-allow-origin']).toBe('https://widgets.example.org');
  const preflight = await request(service.app)
    .options('/api/campaigns/xinjiang/actions')
    .set('Origin', 'https://www.example.org')
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type');
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  const other = await request(service.app).get('/api/campaigns/xinjiang').set('Origin', 'https://evil.example.com').expect(200);
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
});

it('by default refuses framing by other sites and sends no CORS headers', async () => {
  const plain = await startTestService({ workers: false, represent: service.represent, sendgrid: service.sendgrid });
  try {
    const page = await request(plain.app).get('/campaigns/xinjiang').expect(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    const api = await request(plain.app).get('/api/campaigns/xinjiang').set('Origin', 'https://www.example.org').expect(200);
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  } finally {
    await plain.close();
  }
});

it('serves the page in the language asked, and plain HTML errors for pages', async () => {
  const fr = await request(service.app).get('/campaigns/xinjiang').set('Accept-Language', 'fr-CA,fr;q=0.9').expect(200);
  expect(fr.text).toContain('<html lang="fr">');
  const en = await request(service.app).get('/campaigns/xinjiang?lang=en').set('Accept-Language', 'fr-CA').expect(200);
  expect(en.text).toContain('<html lang="en">');
  const missing = await request(service.app).get('/campaigns/nope').expect(404);
  expect(missing.headers['content-type']).toMatch(/text\/html/);
  const badLink = await request(service.app).get('/actions/00000000-0000-4000-8000-000000000000?token=x').expect(404);
  expect(badLink.text).toContain('status link is not valid');
  const api = await request(service.app).get('/api/nope').expect(404);
  expect(api.body.error.code).toBe('not_found');
});
