/// <reference lib="dom" />
// A campaigner signs in to the dashboard in Chromium, sees a letter that failed, and retries it.
// One letter fails (SendGrid 400) before the tests; they share one signed-in page, in order: the
// counts and the failure, the retry, then the letter's history. Each says what broke.
import type { Page } from 'playwright-core';
import { startBrowserEnv, type BrowserEnv } from './browserEnv';
import { screenshot, seriousViolations, signInAs } from './pageTools';
import { eventually } from '../helpers/eventually';
import { supporter } from '../helpers/testService';
import { linkFromMail } from '../helpers/campaigners';

const TOKEN = 'dashboard-test-token-42';
const DANA = 'dana@example.org';
let env: BrowserEnv;
/** The letter SendGrid refused (400). */
let failedId: string;
/** Signed in as Dana, an owner, through an emailed link. */
let signedIn: Page;


beforeAll(async () => {
  env = await startBrowserEnv({ env: { ADMIN_TOKEN: TOKEN } });
  const { service } = env;
  service.sendgrid.script(400);
  const res = await service.submitted(supporter());
  const letterIds = res.letters.map((l) => l.id);
  const [failedLetter] = await Promise.all(letterIds.map((id) => service.waitForLetter(id, ['failed', 'accepted'])));
  failedId = [failedLetter, await service.letter(letterIds[1])].find((l) => l.status === 'failed')!.id;
  signedIn = await env.page('signed in');
  await signInAs(signedIn, service, DANA);
});
afterAll(() => env.close());

describe('signing in', () => {
  it('a sign-in link signs in only when its button is pressed, and only once', async () => {
    const { service } = env;
    const page = await (await env.context()).newPage();
    const secret = await linkFromMail(service, DANA, async () => {
      await page.goto('/admin');
      await page.waitForURL(/\/admin\/login/);
      await page.getByLabel('Your email address').fill(DANA);
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      expect(await page.getByRole('status').innerText()).toMatch(/If dana@example.org has an account, a sign-in link is on its way/);
    });
    // Opening the link (as a mail scanner does) signs nobody in.
    await page.goto(`/admin/login/link?token=${encodeURIComponent(secret)}`);
    expect(await page.context().cookies()).toEqual([]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin$/);
    expect((await page.context().cookies()).map((c) => c.name)).toEqual(['dearmp_admin']);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto('/admin/login');
    await screenshot(page, 'sign-in.png');
    // Used once: the same link now says so.
    const again = await (await env.context()).newPage();
    await again.goto(`/admin/login/link?token=${encodeURIComponent(secret)}`);
    expect(await again.getByRole('alert').innerText()).toMatch(/has been used or is too old/);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const cookies = await signedIn.context().cookies();
    expect(cookies.find((c) => c.name === 'dearmp_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });
});

describe('the dashboard', () => {
  it('shows the counts and the failed letter with its reason', async () => {
    await signedIn.goto('/admin');
    expect(await signedIn.locator('.card').first().innerText()).toMatch(/^1\s+actions of 2000/);
    const row = signedIn.locator('table.failures tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('The to email does not contain a valid address.');
    expect(await signedIn.locator('svg.chart rect').count()).toBe(1);
    // Statuses in words, not codes.
    const statuses = await signedIn.getByRole('table').first().innerText();
    expect(statuses).toContain('waiting for Represent (MP not yet known)');
    expect(statuses).not.toContain('awaiting_lookup');
    expect(await seriousViolations(signedIn)).toEqual([]);
    await screenshot(signedIn, 'dashboard.png');
  });

  it('retries the failed letter in one click', async () => {
    await signedIn.goto('/admin');
    const row = signedIn.locator('table.failures tbody tr');
    await row.getByRole('button', { name: /Retry/ }).click();
    await signedIn.getByRole('status').waitFor();
    expect(await signedIn.getByRole('status').innerText()).toMatch(/queued again/);
    const retried = await env.service.waitForLetter(failedId, 'accepted');
    expect(retried.attempts).toBe(2);
    await signedIn.reload();
    expect(await signedIn.locator('table.failures').count()).toBe(0);
  });

  it('tells the letter’s whole story on its page, retry included', async () => {
    await env.service.waitForLetter(failedId, 'accepted');
    await signedIn.goto(`/admin/letters/${failedId}`);
    const history = await signedIn.locator('table tbody').innerText();
    expect(history).toMatch(/failed\s+SendGrid 400/);
    expect(history).toMatch(/queued\s+retried by dana@example.org/);
    expect(history).toMatch(/taken by SendGrid/); // "accepted", in words a campaigner reads
  });

  it('keeps the queue dashboard behind the same sign-in', async () => {
    const queues = await signedIn.goto('/admin/queues');
    expect(queues?.status()).toBe(200);
    await signedIn.getByText('lookups').first().waitFor();
    const anonymous = await (await env.context()).newPage();
    await anonymous.goto('/admin/queues');
    expect(anonymous.url()).toMatch(/\/admin\/login/);
  });
});

describe('accounts', () => {
  it('an owner adds a campaigner with a role, and makes an API token shown once', async () => {
    await signedIn.goto('/admin');
    await signedIn.getByRole('link', { name: 'Accounts and API tokens' }).click();
    await signedIn.getByLabel('Email', { exact: true }).fill('vera@example.org');
    await signedIn.getByLabel('Role', { exact: true }).selectOption('viewer');
    await signedIn.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await signedIn.getByRole('status').innerText()).toMatch(/they can sign in now/);
    expect(await signedIn.getByRole('row', { name: /vera@example.org/ }).innerText()).toContain('vera@example.org');
    await signedIn.getByLabel('What it is for').fill('weekly numbers');
    await signedIn.getByRole('button', { name: 'Make a token' }).click();
    const token = await signedIn.locator('#new-token').innerText();
    expect(token).toMatch(/^dmpt_/);
    expect(await seriousViolations(signedIn)).toEqual([]);
    await screenshot(signedIn, 'accounts.png');
    // Shown once: the page again lists the token by what it is for, never its secret.
    await signedIn.goto('/admin/accounts');
    expect(await signedIn.content()).not.toContain(token);

    const phone = await (await env.context({ viewport: { width: 360, height: 740 } })).newPage();
    await phone.context().addCookies(await signedIn.context().cookies());
    await phone.goto('/admin/accounts');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(phone, 'accounts-phone.png');
  });
});

it('refuses a state-changing form without the session’s CSRF token', async () => {
  const page = await (await env.context()).newPage();
  await signInAs(page, env.service, DANA);
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

describe('a petition’s dashboard', () => {
  it('leads with the confirmed signatures and shows no letters’ tables', async () => {
    await env.service.submit(supporter({ address: undefined }), 'xinjiang-petition');
    await signedIn.goto('/admin?campaign=xinjiang-petition');
    const cards = await signedIn.locator('.card').allInnerTexts();
    expect(cards[0]).toMatch(/^0\s+confirmed signatures/);
    expect(cards[1]).toMatch(/^1\s+signatures? waiting for their email to be confirmed/);
    expect(await signedIn.getByRole('heading', { name: 'Letters by status' }).count()).toBe(0);
    expect(await signedIn.locator('a[href$="/export.csv"]').count()).toBe(0);
    expect(await signedIn.locator('a[href$="/signers.csv"]').count()).toBe(1);
    expect(await seriousViolations(signedIn)).toEqual([]);
  });
});

// Last: it leaves SendGrid refusing the key.
describe('trouble where campaigners look', () => {
  it('shows a banner while SendGrid refuses our key, at desktop and phone widths', async () => {
    // Signed in first: while SendGrid refuses the key, no sign-in link can be emailed either.
    const phone = await (await env.context({ viewport: { width: 360, height: 740 } })).newPage();
    await signInAs(phone, env.service, DANA);
    env.service.sendgrid.revokeKey();
    const res = await env.service.submitted(supporter());
    await env.service.waitForLetter(res.letters[0].id, 'queued');
    await eventually(() => env.service.letter(res.letters[0].id), (l) => (l.status_reason ?? '').startsWith('Held: SendGrid 401'), { what: 'the letter held' });
    await signedIn.goto('/admin');
    const banner = signedIn.getByRole('region', { name: 'Letters are not all going out' });
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/SendGrid refuses our API key or sender \(SendGrid 401.*\)\. No letter is being sent and none is lost/);
    expect(await seriousViolations(signedIn)).toEqual([]);
    await screenshot(signedIn, 'dashboard-alert.png');

    await phone.goto('/admin');
    await phone.getByRole('region', { name: 'Letters are not all going out' }).waitFor();
    // Nothing wider than the phone: the banner wraps SendGrid's long words.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(phone, 'dashboard-alert-phone.png');
  });
});
