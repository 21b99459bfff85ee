/// <reference lib="dom" />
// A campaigner signs in to the dashboard in Chromium, sees a letter that failed, and retries it.
import request from 'supertest';
import { startBrowserEnv, type BrowserEnv } from './browserEnv';
import { screenshot, seriousViolations } from './pageTools';
import { supporter } from '../helpers/testService';

const TOKEN = 'dashboard-test-token-42';
let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv({ env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(() => env.close());

it('signs in, shows the counts and a failure with its reason, retries it in one click', async () => {
  const { service } = env;
  service.sendgrid.script(400);
  const res = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(202);
  const letterIds: string[] = res.body.letters.map((l: { id: string }) => l.id);
  const [failedLetter] = await Promise.all(letterIds.map((id) => service.waitForLetter(id, ['failed', 'accepted'])));
  const failedId = [failedLetter, await service.letter(letterIds[1])].find((l) => l.status === 'failed')!.id;

  const page = await (await env.context()).newPage();
  await page.goto('/admin');
  await page.waitForURL(/\/admin\/login/);
  await page.getByLabel('Admin token').fill('not the token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').innerText()).toMatch(/not the admin token/);

  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByLabel('Your name').fill('Dana');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'dearmp_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

  expect(await page.locator('.card').first().innerText()).toMatch(/^1\s+actions of 2000/);
  const row = page.locator('table.failures tbody tr');
  expect(await row.count()).toBe(1);
  expect(await row.innerText()).toContain('The to email does not contain a valid address.');
  expect(await page.locator('svg.chart rect').count()).toBe(1);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'dashboard.png');

  await row.getByRole('button', { name: /Retry/ }).click();
  await page.getByRole('status').waitFor();
  expect(await page.getByRole('status').innerText()).toMatch(/queued again/);
  const retried = await service.waitForLetter(failedId, 'accepted');
  expect(retried.attempts).toBe(2);
  await page.reload();
  expect(await page.locator('table.failures').count()).toBe(0);

  // The letter's page tells its whole story, retry included.
  await page.goto(`/admin/letters/${failedId}`);
  const history = await page.locator('table tbody').innerText();
  expect(history).toMatch(/failed\s+SendGrid 400/);
  expect(history).toMatch(/queued\s+retried by Dana/);
  expect(history).toMatch(/accepted/);

  // The queue dashboard sits behind the same sign-in.
  const queues = await page.goto('/admin/queues');
  expect(queues?.status()).toBe(200);
  await page.getByText('lookups').first().waitFor();
  const anonymous = await (await env.context()).newPage();
  await anonymous.goto('/admin/queues');
  expect(anonymous.url()).toMatch(/\/admin\/login/);
});

it('refuses a state-changing form without the session’s CSRF token', async () => {
  const page = await (await env.context()).newPage();
  await page.goto('/admin/login');
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
  const status = await page.evaluate(async () => {
    const res = await fetch('/admin/campaigns/xinjiang/retry', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'csrf=forged',
    });
    return res.status;
  });
  expect(status).toBe(403);
});
