/// <reference lib="dom" />
// A supporter signs the sample petition (confirm: true) in real Chromium: the Sign form, the
// thank-you page asking to check their email, the emailed link (as the worker sends it to the fake
// SendGrid), the Confirm button, and the counter going up by one. Checked with axe-core too.
import type { Page } from 'playwright-core';
import { browserEnvForFile, uniqueEmail } from './browserEnv';
import { focusedId, screenshot, seriousViolations } from './pageTools';

const PETITION = '/campaigns/xinjiang-petition';
const envOf = browserEnvForFile();

async function signatures(page: Page): Promise<number> {
  const text = await page.locator('.counter-text').innerText();
  return Number(/^[\d,]+/.exec(text)![0].replace(/,/g, ''));
}

async function fillSigner(page: Page, email: string) {
  await page.getByLabel(/^First name/).fill('Aygul');
  await page.getByLabel(/^Last name/).fill('Kerim');
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Postal code/).fill('M5V 3L9');
  await page.getByLabel(/^City or town/).fill('Toronto');
}

/** The confirmation link in the email the worker sent to `email`, as a path on this server. */
async function confirmationPath(email: string): Promise<string> {
  const mails = await envOf().service.sendgrid.waitForAccepted(1);
  const mail = mails.find((m) => m.body.personalizations[0].to[0].email === email)!;
  const text = mail.body.content!.find((c) => c.type === 'text/plain')!.value;
  const link = /https:\/\/act\.example\.org(\/confirm\/[A-Za-z0-9_-]+\?lang=\w\w)/.exec(text);
  if (!link) throw new Error(`no confirmation link in: ${text}`);
  return link[1];
}

it('signs, asks to check email, confirms from the emailed link, and counts the signature', async () => {
  const page = await envOf().page('with JavaScript');
  await page.goto(PETITION);
  const before = await signatures(page);
  expect(await page.locator('.counter-text').innerText()).toMatch(/^[\d,]+ of 10,000 signatures$/);
  expect(await page.locator('progress').getAttribute('max')).toBe('10000');
  // The petition's letter, in full; no MP step, no paragraph.
  expect(await page.locator('.petition-letter').innerText()).toContain('Dear President Xi Jinping');
  expect(await page.locator('.petition-letter').innerText()).toContain('The undersigned');
  expect(await page.getByRole('button', { name: 'Find my MP' }).count()).toBe(0);
  expect(await page.locator('#message').count()).toBe(0);
  expect(await page.locator('#address').count()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'petition.png');

  const email = uniqueEmail('signer');
  await fillSigner(page, email);
  await page.getByLabel(/receive email updates/).check();
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await page.locator('#thanks-title').waitFor();
  expect(await page.locator('h1').innerText()).toBe('Thank you for signing');
  expect(await page.locator('.check-email').innerText()).toBe('Check your email: we sent you a link to confirm. Your signature counts only once you confirm.');
  expect(await page.locator('.letters').count()).toBe(0);
  expect(await focusedId(page)).toBe('thanks-title');
  expect(await seriousViolations(page)).toEqual([]);

  // The link from the email: opening it shows a Confirm button and confirms nothing.
  const link = await confirmationPath(email);
  await page.goto(link);
  expect(await page.locator('h1').innerText()).toBe('Confirm your signature');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(PETITION);
  expect(await signatures(page)).toBe(before);

  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('h1', { hasText: 'Thank you, confirmed' }).waitFor();
  expect(await page.locator('.lead').innerText()).toBe('Your signature now counts.');
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto(PETITION);
  expect(await signatures(page)).toBe(before + 1);
  // The link again: already confirmed, no button.
  await page.goto(link);
  expect(await page.locator('h1').innerText()).toBe('Already confirmed');
  expect(await page.getByRole('button', { name: 'Confirm' }).count()).toBe(0);
});

it('without JavaScript: brings the form back with errors by their fields, then thanks the signer', async () => {
  const page = await envOf().page('without JavaScript', { javaScriptEnabled: false });
  await page.goto(PETITION);
  await page.getByLabel(/^First name/).fill('Aziz');
  await page.getByLabel(/^Email/).fill('not-an-email');
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await page.locator('.error-summary').waitFor();
  expect(await page.locator('#lastName-error').innerText()).toBe('Enter your last name.');
  expect(await page.locator('#email-error').innerText()).toMatch(/email address like/);
  expect(await page.locator('#city-error').innerText()).toBe('Enter your city or town.');
  expect(await page.inputValue('#firstName')).toBe('Aziz');
  expect(await focusedId(page)).toBe('lastName');

  const email = uniqueEmail('signer');
  await fillSigner(page, email);
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await page.locator('#thanks-title').waitFor();
  expect(await page.locator('h1').innerText()).toBe('Thank you for signing');
  // Wait for this signer's email, so the next test starts with none in flight.
  await confirmationPath(email);
});

it('has no serious accessibility violations with errors shown, and the first one has the focus', async () => {
  const page = await envOf().page('with JavaScript');
  await page.goto(PETITION);
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await page.locator('#error-summary:not([hidden])').waitFor();
  expect(await page.getAttribute('#firstName', 'aria-invalid')).toBe('true');
  expect(await focusedId(page)).toBe('firstName');
  expect(await seriousViolations(page)).toEqual([]);
});

it('is in French with ?lang=fr, Sign button included', async () => {
  const page = await envOf().page('with JavaScript');
  await page.goto(`${PETITION}?lang=fr`);
  expect(await page.getAttribute('html', 'lang')).toBe('fr');
  expect(await page.getByRole('button', { name: 'Signer', exact: true }).isVisible()).toBe(true);
  expect(await page.getByRole('heading', { name: 'Signez la pétition' }).isVisible()).toBe(true);
  expect(await page.locator('.counter-text').innerText()).toMatch(/signatures? sur 10\s000$/);
  expect(await page.getByLabel(/^Ville ou municipalité/).isVisible()).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);
});
