/// <reference lib="dom" />
// A campaigner makes a new campaign in Chromium without a developer: copies the sample, writes
// its texts in English and French, is shown a template mistake at its line, previews each letter
// as an office would receive it, publishes, and the public page shows it.
import type { Page } from 'playwright-core';
import { startBrowserEnv, type BrowserEnv } from './browserEnv';
import sharp from 'sharp';
import { screenshot, seriousViolations } from './pageTools';

const TOKEN = 'editor-test-token-0123456789';
const SLUG = 'hong-kong-test';
let env: BrowserEnv;
let page: Page;

beforeAll(async () => {
  env = await startBrowserEnv({ env: { ADMIN_TOKEN: TOKEN } });
  page = await env.page('campaigner');
  // The first start: nobody has an account, and the operator's token makes Dana the first owner.
  await page.goto('/admin/login');
  await page.getByRole('region', { name: 'First start' }).waitFor();
  await page.getByLabel('Your email address').last().fill('dana@example.org');
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Make me the first owner' }).click();
  await page.waitForURL(/\/admin\/accounts$/);
  await page.goto('/admin');
});
afterAll(() => env.close());

it('copies the sample into a new campaign and opens it in the editor', async () => {
  await page.getByLabel(/Address of the copy/).fill(SLUG);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.waitForURL(new RegExp(`/admin/campaigns/${SLUG}/edit`));
  expect(await page.getByLabel('Title (English)', { exact: true }).inputValue()).toBe('Canada must act on the mass detention of Uyghurs in Xinjiang');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'editor.png');
});

it('shows a template mistake at its field, with its line, and keeps what was typed', async () => {
  await page.getByLabel('Title (English)', { exact: true }).fill('Free the people held in Hong Kong');
  await page.getByLabel('Title (French)', { exact: true }).fill('Libérez les personnes détenues à Hong Kong');
  await page.getByLabel('Subject lines (one per line; each letter gets one) (French)').fill('Hong Kong : une lettre de {{supporter.city}}');
  const letter = page.getByLabel('Letter (English)').first();
  await letter.fill(`${await letter.inputValue()}\n{{#if supporter.message}}\nunclosed`);
  await page.getByRole('button', { name: 'Save draft' }).click();
  const summary = page.getByRole('alert');
  await summary.waitFor();
  expect(await summary.innerText()).toMatch(/letters\.mp\.en: line \d+: a block .* is not closed/);
  expect(await page.getByLabel('Title (English)', { exact: true }).inputValue()).toBe('Free the people held in Hong Kong');
  expect(await page.getByLabel('Letter (English)').first().getAttribute('aria-invalid')).toBe('true');
  expect(await seriousViolations(page)).toEqual([]);
});

it('previews each letter exactly as an office would receive it, in the sample supporter’s language', async () => {
  const letter = page.getByLabel('Letter (English)').first();
  await letter.fill((await letter.inputValue()).replace('\n{{#if supporter.message}}\nunclosed', ''));
  await page.getByLabel('Their postal code').fill('G0A 1A0');
  await page.getByLabel('Their language').selectOption('fr');
  await page.getByRole('button', { name: 'Save and preview' }).click();
  const preview = page.getByRole('region', { name: 'Exactly what each office would receive' });
  await preview.waitFor();
  const text = await preview.innerText();
  expect(text).toContain('Joël Godin');
  // The sample supporter lives in Toronto; their postal code and language are the campaigner's choice.
  expect(text).toContain('Hong Kong : une lettre de Toronto');
  expect(await seriousViolations(page)).toEqual([]);
  const phone = await (await env.context({ viewport: { width: 360, height: 740 } })).newPage();
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`/admin/campaigns/${SLUG}/edit`);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await screenshot(phone, 'editor-phone.png');
});

it('takes the organisation’s look: a readable accent colour and a main image described in both languages', async () => {
  await page.getByLabel(/^Accent colour/).fill('#7fb2ff');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('alert').waitFor();
  const refusal = await page.getByRole('alert').innerText();
  expect(refusal).toMatch(/white text on #7fb2ff has a contrast of 2\.\d+:1/);
  const suggestion = /(#[0-9a-f]{6}) is the nearest colour that passes/.exec(refusal)![1];
  await page.getByLabel(/^Accent colour/).fill(suggestion);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('status').waitFor();

  const photo = await sharp({ create: { width: 1600, height: 700, channels: 3, background: { r: 150, g: 30, b: 50 } } }).jpeg().toBuffer();
  await page.getByLabel('Image file').setInputFiles({ name: 'vigil.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByLabel('What the image shows, for people who cannot see it (English)').last().fill('People at a candlelight vigil for Hong Kong');
  await page.getByLabel('What the image shows, for people who cannot see it (French)').last().fill('Des personnes à une veillée aux chandelles pour Hong Kong');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForURL(/uploaded=1/);
  expect(await page.getByRole('status').innerText()).toMatch(/Image uploaded/);
  expect(await seriousViolations(page)).toEqual([]);
});

it('publishes, and the public page shows the new campaign at once', async () => {
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await page.waitForURL(new RegExp(`/admin\\?campaign=${SLUG}`));
  expect(await page.getByRole('status').innerText()).toMatch(/Published: version 1 is live/);
  // The activity log says who did it.
  expect(await page.getByRole('region', { name: 'Recent activity' }).innerText()).toMatch(/dana@example.org\s+published version 1/);
  const publicPage = await (await env.context()).newPage();
  await publicPage.goto(`/campaigns/${SLUG}`);
  expect(await publicPage.getByRole('heading', { level: 1 }).innerText()).toBe('Free the people held in Hong Kong');
  await publicPage.getByRole('img', { name: 'People at a candlelight vigil for Hong Kong' }).waitFor();
  // The band and the buttons take the accent colour, from the campaign's own stylesheet.
  const band = await publicPage.locator('.top').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(band).not.toBe('rgb(18, 52, 77)');
  expect(await seriousViolations(publicPage)).toEqual([]);
  await screenshot(publicPage, 'campaign-look.png');
  await publicPage.goto(`/campaigns/${SLUG}?lang=fr`);
  expect(await publicPage.getByRole('heading', { level: 1 }).innerText()).toBe('Libérez les personnes détenues à Hong Kong');
  await publicPage.getByRole('img', { name: 'Des personnes à une veillée aux chandelles pour Hong Kong' }).waitFor();
  // On a phone the postal code field is still on the first screen: the image follows the form.
  const phone = await (await env.context({ viewport: { width: 360, height: 740 } })).newPage();
  await phone.goto(`/campaigns/${SLUG}`);
  const field = await phone.getByLabel(/^Postal code/).boundingBox();
  expect(field!.y + field!.height).toBeLessThanOrEqual(740);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await screenshot(phone, 'campaign-look-phone.png');
});

it('never overwrites a draft someone else saved after the form was opened', async () => {
  const first = await page.context().newPage();
  const second = await page.context().newPage();
  for (const p of [first, second]) await p.goto(`/admin/campaigns/${SLUG}/edit`);
  await first.getByLabel('Title (English)', { exact: true }).fill('Saved first');
  await first.getByRole('button', { name: 'Save draft' }).click();
  await first.getByRole('status').waitFor();

  await second.getByLabel('Title (English)', { exact: true }).fill('Typed second');
  await second.getByRole('button', { name: 'Save draft' }).click();
  await second.getByRole('alert').waitFor();
  expect(await second.getByRole('alert').innerText()).toMatch(/Someone else saved this draft after you opened it/);
  // What the second campaigner typed is still there to copy; the draft is the first one's.
  expect(await second.getByLabel('Title (English)', { exact: true }).inputValue()).toBe('Typed second');
  await second.goto(`/admin/campaigns/${SLUG}/edit`);
  expect(await second.getByLabel('Title (English)', { exact: true }).inputValue()).toBe('Saved first');
  // Opened again, it saves.
  await second.getByLabel('Title (English)', { exact: true }).fill('Saved second');
  await second.getByRole('button', { name: 'Save draft' }).click();
  await second.getByRole('status').waitFor();
  await first.close();
  await second.close();
});
