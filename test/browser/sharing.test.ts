/// <reference lib="dom" />
// Sharing in Chromium: a supporter who came from a newsletter sends, copies their share link from
// the thank-you view; a friend opens it and writes too; the action is counted to the first
// supporter (their status page says so from three people on), and the dashboard shows the source.
import { startBrowserEnv, uniqueEmail, type BrowserEnv } from './browserEnv';
import { fillDetails, screenshot, seriousViolations, signInAs } from './pageTools';
import { eventually } from '../helpers/eventually';

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv({ env: { ADMIN_TOKEN: 'sharing-browser-token-0123456789' } });
});
afterAll(() => env.close());

async function send(url: string, email: string, viewport = { width: 1280, height: 900 }) {
  const context = await env.context({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel(/^Postal code/).fill('M5V 3L9');
  await page.getByRole('button', { name: 'Find my MP' }).click();
  await page.locator('.mp-card', { hasText: 'Chi Nguyen' }).waitFor();
  await fillDetails(page, email);
  await page.getByRole('button', { name: 'Send letter' }).click();
  await page.locator('#thanks-title').waitFor();
  return page;
}

const actionOf = async (email: string) =>
  (
    await env.service.deps.db.query<{ referral_code: string; referred_by: string | null; source: Record<string, string> | null }>(
      'SELECT a.referral_code, a.referred_by, a.source FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE s.email = $1',
      [email.toLowerCase()],
    )
  ).rows[0];

it('a supporter copies their share link; a friend who opens it writes too, counted to them; the dashboard shows where they came from', async () => {
  const first = uniqueEmail('sharer');
  const page = await send('/campaigns/xinjiang?utm_source=newsletter&utm_medium=email', first);
  const share = page.getByRole('region', { name: 'Ask others to write too' });
  for (const name of ['WhatsApp', 'Facebook', 'X', 'Bluesky', 'Email']) {
    expect(await share.getByRole('link', { name: new RegExp(`^${name}`) }).count()).toBe(1);
  }
  await share.getByRole('button', { name: 'Copy the link to share' }).click();
  await share.getByText('Link copied').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const { referral_code: code, source } = await actionOf(first);
  expect(source).toEqual({ utm_source: 'newsletter', utm_medium: 'email' });
  expect(new URL(copied).searchParams.get('ref')).toBe(code);
  // A next step: the organisation's other open campaign.
  expect(await share.getByRole('link', { name: 'Free the people held in Xinjiang\'s camps and prisons' }).getAttribute('href')).toBe('/campaigns/xinjiang-petition?lang=en');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'thanks-share.png');

  const phone = await send('/campaigns/xinjiang', uniqueEmail('phone'), { width: 360, height: 740 });
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await screenshot(phone, 'thanks-share-phone.png');

  // The friend opens the copied link and writes.
  const friend = uniqueEmail('friend');
  await send(new URL(copied).pathname + new URL(copied).search, friend);
  expect((await actionOf(friend)).referred_by).toBe(code);

  // The sharer's status page, from their receipt: one came through them, not yet shown as a number.
  const receipt = await eventually(
    async () => env.service.sendgrid.supporterMail().find((m) => m.body.personalizations[0].to[0].email === first.toLowerCase()),
    (m) => m !== undefined,
    { what: 'the receipt' },
  );
  const text = receipt!.body.content!.find((c) => c.type === 'text/plain')!.value;
  expect(text).toContain(`ref=${code}`);
  const status = new URL(/https?:\/\/\S+\/actions\/[^/\s]+\?\S+/.exec(text)![0]);
  await page.goto(status.pathname + status.search);
  expect(await page.locator('.referrals').innerText()).toBe('Once 3 or more people act through your link, we will say here how many.');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'status-share.png');

  const campaigner = await env.page('campaigner');
  await signInAs(campaigner, env.service, 'owner@example.org');
  await campaigner.goto('/admin?campaign=xinjiang');
  const sources = campaigner.getByRole('region', { name: 'Where supporters came from' });
  expect(await sources.getByRole('row', { name: /newsletter/ }).innerText()).toMatch(/newsletter\s+email\s+1/);
  expect(await sources.innerText()).toContain('1 action (33 %) came through another supporter’s share link.');
});
