/// <reference lib="dom" />
// Every level of government in Chromium: a campaigner adds the supporter's councillor to a
// campaign from the editor (with a thank-you letter for a councillor who already agrees) and lets
// supporters choose whom to write to; a supporter ticks only the councillor; an owner records
// Parliament dissolved, and the action and status pages say what that means.
import type { Page } from 'playwright-core';
import { startBrowserEnv, uniqueEmail, type BrowserEnv } from './browserEnv';
import { fillDetails, screenshot, seriousViolations, signInAs } from './pageTools';
import { eventually } from '../helpers/eventually';

const TOKEN = 'levels-browser-token-0123456789';
let env: BrowserEnv;
let campaigner: Page;

beforeAll(async () => {
  env = await startBrowserEnv({ env: { ADMIN_TOKEN: TOKEN } });
  campaigner = await env.page('campaigner');
  await signInAs(campaigner, env.service, 'owner@example.org', 'owner');
});
afterAll(() => env.close());

/** The first step: the postal code finds the MP, and the rest of the form opens. */
async function findMp(page: Page) {
  await page.getByLabel(/^Postal code/).fill('M5V 3L9');
  await page.getByRole('button', { name: 'Find my MP' }).click();
  await page.locator('.mp-card', { hasText: 'Chi Nguyen' }).waitFor();
}

async function send(page: Page, email: string) {
  await fillDetails(page, email);
  await page.getByRole('button', { name: 'Send letter' }).click();
  await page.locator('#thanks-title').waitFor();
}

const lettersOf = async (email: string) =>
  (
    await env.service.deps.db.query<{ target_id: string; recipient_name: string | null; status: string; body_text: string | null }>(
      `SELECT l.target_id, l.recipient_name, l.status, l.body_text FROM letters l JOIN actions a ON a.id = l.action_id JOIN supporters s ON s.id = a.supporter_id
        WHERE s.email = $1 ORDER BY l.position`,
      [email],
    )
  ).rows;

it('a campaigner adds the councillor, thanks the one who already agrees, lets supporters choose, and publishes', async () => {
  await campaigner.goto('/admin/campaigns/xinjiang/edit');
  await campaigner.getByLabel('Another elected office to write to').selectOption('councillor');
  await campaigner.getByRole('button', { name: 'Save draft' }).click();
  await campaigner.getByRole('status').waitFor();
  const councillor = campaigner.getByRole('group', { name: 'Your councillor' });
  expect(await councillor.getByLabel('Letter (English)').inputValue()).toContain('{{> address-block}}');

  await campaigner.getByLabel(/^Supporters tick at least this many recipients/).fill('1');
  await councillor.getByLabel('Already agree with the campaign').fill('Ausma Malik');
  await councillor.getByLabel('What they get').selectOption('thank');
  await campaigner.getByRole('button', { name: 'Save draft' }).click();
  // The thank-you letter is required once someone is thanked: said at its field.
  const summary = campaigner.getByRole('alert');
  await summary.waitFor();
  expect(await summary.innerText()).toContain('thanks.councillor.en');
  await councillor.getByLabel('Thank-you letter (English)').fill('{{recipient.salutation}}\n\nThank you for already standing with Uyghur families.\n\n{{supporter.fullName}}');
  await councillor.getByLabel('Thank-you letter (French)').fill('{{recipient.salutation}}\n\nMerci d’appuyer déjà les familles ouïghoures.\n\n{{supporter.fullName}}');
  expect(await seriousViolations(campaigner)).toEqual([]);
  await screenshot(campaigner, 'editor-levels.png');
  await campaigner.getByRole('button', { name: 'Publish' }).click();
  await campaigner.waitForURL(/published=/);
});

it('a supporter ticks only the councillor: one letter, the thank-you, to Ausma Malik', async () => {
  const page = await (await env.context()).newPage();
  await page.goto('/campaigns/xinjiang');
  await findMp(page);
  const choice = page.getByRole('group', { name: 'Who do you want to write to?' });
  expect(await choice.getByRole('checkbox').count()).toBe(3);
  await choice.getByLabel('Your Member of Parliament').uncheck();
  await choice.getByLabel(/Anita Anand/).uncheck();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'action-choose-targets.png');
  const email = uniqueEmail('councillor-only');
  await send(page, email);
  const letters = await lettersOf(email);
  expect(letters.map((l) => [l.target_id, l.recipient_name])).toEqual([['councillor', 'Ausma Malik']]);
  expect(letters[0].body_text).toContain('Thank you for already standing with Uyghur families.');
});

it('with no box ticked, the form says so at the choice and sends nothing', async () => {
  const page = await (await env.context()).newPage();
  await page.goto('/campaigns/xinjiang');
  await findMp(page);
  const boxes = await page.getByRole('group', { name: 'Who do you want to write to?' }).getByRole('checkbox').all();
  expect(boxes).toHaveLength(3);
  for (const box of boxes) await box.uncheck();
  const email = uniqueEmail('nobody');
  await fillDetails(page, email);
  await page.getByRole('button', { name: 'Send letter' }).click();
  await page.locator('#targets-error').waitFor({ state: 'visible' });
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('targets');
  expect(await page.locator('#targets-error').innerText()).toBe('Tick who to write to: at least as many as the list asks for.');
  expect(await lettersOf(email)).toEqual([]);
});

it('an owner records Parliament dissolved; the action page and the status page say the MP’s letter waits for the election', async () => {
  await campaigner.goto('/admin/representatives');
  const form = campaigner.getByRole('form', { name: 'Record a dissolution' });
  await form.getByLabel('Legislature').selectOption({ label: 'Parliament of Canada' });
  await form.getByLabel('Election date').fill('2027-04-26');
  await form.getByRole('button', { name: 'Record dissolved' }).click();
  await campaigner.getByRole('status').waitFor();
  expect(await campaigner.getByRole('status').innerText()).toMatch(/^Recorded dissolved: \d+ letters held until the election\.$/);
  expect(await campaigner.getByRole('row', { name: /Parliament of Canada/ }).innerText()).toContain('Dissolved · election April 26, 2027');
  expect(await seriousViolations(campaigner)).toEqual([]);
  await screenshot(campaigner, 'admin-representatives.png');
  const phone = await (await env.context({ viewport: { width: 360, height: 740 }, storageState: await campaigner.context().storageState() })).newPage();
  await phone.goto('/admin/representatives');
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await screenshot(phone, 'admin-representatives-phone.png');

  const page = await (await env.context({ viewport: { width: 360, height: 740 } })).newPage();
  await page.goto('/campaigns/xinjiang');
  const notice = page.getByRole('note').filter({ hasText: 'Parliament is dissolved' });
  expect(await notice.innerText()).toBe('Parliament is dissolved for the election of April 26, 2027. Your letter to your MP will wait, and go to the MP elected in your riding.');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await screenshot(page, 'action-dissolved-phone.png');

  const email = uniqueEmail('during-election');
  await findMp(page);
  await send(page, email);
  const letters = await lettersOf(email);
  expect(letters.map((l) => [l.target_id, l.status])).toEqual([
    ['mp', 'awaiting_election'],
    ['minister', expect.stringMatching(/queued|sending|accepted/)],
    ['councillor', expect.stringMatching(/queued|sending|accepted/)],
  ]);
  // The status page, from the link in the receipt (the only way to it).
  const receipt = await eventually(
    async () => env.service.sendgrid.supporterMail().find((m) => m.body.personalizations[0].to[0].email === email.toLowerCase()),
    (m) => m !== undefined,
    { what: `the receipt to ${email}` },
  );
  const link = new URL(/https?:\/\/\S+\/actions\/\S+/.exec(receipt!.body.content!.find((c) => c.type === 'text/plain')!.value)![0]);
  await page.goto(link.pathname + link.search);
  expect(await page.locator('.letter-status[data-status="awaiting_election"]').innerText()).toBe(
    'Waiting for the election: the legislature is dissolved, so this letter will go to whoever is elected in your riding.',
  );
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'status-dissolved-phone.png');
});
