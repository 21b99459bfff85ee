/// <reference lib="dom" />
// A supporter sends a letter from the action page in real Chromium, against the real service
// (PostgreSQL, Redis, BullMQ worker) and the fake Represent and SendGrid.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserEnvForFile, uniqueEmail } from './browserEnv';
import { fillDetails, focusedId, screenshot, seriousViolations, tabTo } from './pageTools';
import { eventually } from '../helpers/eventually';

const envOf = browserEnvForFile();

const sentTo = () => envOf().service.sendgrid.accepted().map((m) => m.body.personalizations[0].to[0].email).sort();

/** The thank-you view the page shows after sending (its heading has the focus). */
async function thanked(page: Page): Promise<string> {
  await page.locator('#thanks-title').waitFor();
  return page.locator('#thanks-title').innerText();
}

/** The status link, as the receipt brings it to the supporter's mailbox (no answer or page carries it). */
async function statusLinkFor(email: string): Promise<string> {
  const receipt = await eventually(
    async () => envOf().service.sendgrid.supporterMail().find((m) => m.body.personalizations[0].to[0].email === email.toLowerCase()),
    (m) => m !== undefined,
    { what: `the receipt to ${email}` },
  );
  const text = receipt!.body.content!.find((c) => c.type === 'text/plain')!.value;
  return new URL(/https?:\/\/\S+\/actions\/\S+/.exec(text)![0]).pathname + new URL(/https?:\/\/\S+\/actions\/\S+/.exec(text)![0]).search;
}

describe('with JavaScript', () => {
  it('finds the MP, previews both letters and sends them: two accepted letters', async () => {
    // The page's clock is a fake one (time still flows) so that its next status refresh can be brought forward.
    const page = await (await envOf().context()).newPage();
    await page.clock.install();
    await page.goto('/campaigns/xinjiang');
    expect(await page.locator('#step-details').isHidden()).toBe(true);
    await page.getByLabel(/^Postal code/).fill('m5v3l9');
    await page.getByRole('button', { name: 'Find my MP' }).click();
    await page.locator('.mp-card', { hasText: 'Chi Nguyen' }).waitFor();
    expect(await page.locator('.mp-card').innerText()).toContain('Spadina—Harbourfront');
    expect(await focusedId(page)).toBe('firstName');

    const email = uniqueEmail('supporter');
    await fillDetails(page, email);
    await page.getByLabel(/^Your own words \(optional\)/).fill('My cousin in Ürümqi has not called since 2019.');
    expect(await page.locator('#message-count').innerText()).toBe(`${(2000 - 46).toLocaleString('en-CA')} characters left`);
    await page.getByRole('button', { name: 'Preview my letters' }).click();
    const previews = page.locator('#preview article');
    await previews.nth(1).waitFor();
    expect(await previews.count()).toBe(2);
    const mpPreview = await previews.nth(0).innerText();
    expect(mpPreview).toContain('Chi Nguyen');
    expect(mpPreview).toContain('My cousin in Ürümqi has not called since 2019.');
    expect(await previews.nth(1).innerText()).toContain('Anita Anand');

    await page.getByRole('button', { name: 'Send letter' }).click();
    expect(await thanked(page)).toBe('Thank you, your letters are on their way');
    expect(await focusedId(page)).toBe('thanks-title');
    // The letters this request composed, and that the link to follow them is in the inbox: no link on the page.
    expect(await page.locator('.thanks .letter-to').allInnerTexts()).toEqual([expect.stringContaining('Chi Nguyen'), expect.stringContaining('Anita Anand')]);
    expect(await page.locator('.thanks .check-email').innerText()).toMatch(/emailed you a copy of each letter, with a link/);
    expect(await page.locator('a[href*="/actions/"]').count()).toBe(0);
    const mails = await envOf().service.sendgrid.waitForAccepted(2);
    expect(sentTo()).toEqual(['anita.anand@parl.gc.ca', 'chi.nguyen@parl.gc.ca']);
    // The preview was the letter as sent, subject included.
    const sentMp = mails.find((m) => m.body.personalizations[0].to[0].email === 'chi.nguyen@parl.gc.ca')!;
    expect(mpPreview).toContain(sentMp.body.subject as string);
    expect(mpPreview.replace(/\s+/g, ' ')).toContain(sentMp.body.content![0].value.split('\n').slice(0, 3).join(' ').replace(/\s+/g, ' '));
    // The status page, opened from the receipt, refreshes statuses in place while letters move:
    // once both are accepted, its next refresh (every 5 s, brought forward on its clock) shows it.
    await page.goto(await statusLinkFor(email));
    const letterIds = await page.locator('[data-letter-id]').evaluateAll((items) => items.map((item) => item.getAttribute('data-letter-id')!));
    expect(letterIds).toHaveLength(2);
    await Promise.all(letterIds.map((id) => envOf().service.waitForLetter(id, 'accepted')));
    await page.clock.fastForward(5_000);
    await page.locator('.letter-status[data-status="accepted"]').nth(1).waitFor({ timeout: 15_000 });
  });

  it('lets the supporter pick their riding when the postal code spans two', async () => {
    const page = await envOf().page('with JavaScript');
    await page.goto('/campaigns/xinjiang');
    await page.getByLabel(/^Postal code/).fill('K0A 1K0');
    await page.getByRole('button', { name: 'Find my MP' }).click();
    const choice = page.getByRole('radio', { name: /Prescott—Russell—Cumberland/ });
    await choice.waitFor();
    expect(await page.getByRole('radio').count()).toBe(2);
    await choice.check();
    await page.locator('.mp-card', { hasText: 'Giovanna Mingarelli' }).waitFor();
    await fillDetails(page, uniqueEmail('supporter'));
    await page.getByRole('button', { name: 'Send letter' }).click();
    await thanked(page);
    await envOf().service.sendgrid.waitForAccepted(2);
    expect(sentTo()).toEqual(['anita.anand@parl.gc.ca', 'giovanna.mingarelli@parl.gc.ca']);
  });

  it('shows errors next to their fields, announces them and moves focus to the first', async () => {
    const page = await envOf().page('with JavaScript');
    await page.goto('/campaigns/xinjiang');
    await page.getByLabel(/^Postal code/).fill('D0D 0D0');
    await page.getByRole('button', { name: 'Find my MP' }).click();
    await page.locator('#postalCode-error:not([hidden])').waitFor();
    expect(await page.locator('#postalCode-error').innerText()).toMatch(/Canadian postal code/);
    expect(await page.getAttribute('#postalCode', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#error-summary', 'role')).toBe('alert');
    expect(await focusedId(page)).toBe('postalCode');
    expect(await page.inputValue('#postalCode')).toBe('D0D 0D0');
  });

  it('still sends when Represent is down, saying the MP will be found shortly', async () => {
    // A postal code no other test has looked up, so nothing is cached for it.
    const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/represent/postcode-M5V3L9-single-mp.json'), 'utf8'));
    envOf().service.represent.addPostcode({ ...recorded, code: 'M5V3L8' });
    envOf().service.represent.setMode('fail');
    const page = await envOf().page('with JavaScript');
    await page.goto('/campaigns/xinjiang');
    await page.getByLabel(/^Postal code/).fill('M5V 3L8');
    await page.getByRole('button', { name: 'Find my MP' }).click();
    await page.locator('#mp-result .notice').waitFor();
    expect(await page.locator('#mp-result').innerText()).toMatch(/we will find your MP and send it shortly/);
    await fillDetails(page, uniqueEmail('supporter'));
    await page.getByRole('button', { name: 'Send letter' }).click();
    await thanked(page);
    expect(await page.locator('.thanks .letter-subject').first().innerText()).toMatch(/written and sent as soon as we find your MP/);
    envOf().service.represent.setMode('ok');
    await envOf().service.sendgrid.waitForAccepted(2);
    expect(sentTo()).toEqual(['anita.anand@parl.gc.ca', 'chi.nguyen@parl.gc.ca']);
  });

  it('can be completed with the keyboard alone', async () => {
    const page = await envOf().page('with JavaScript');
    await page.goto('/campaigns/xinjiang');
    const email = uniqueEmail('supporter');
    await tabTo(page, '#postalCode');
    await page.keyboard.type('M5V 3L9');
    await page.keyboard.press('Enter');
    await page.locator('.mp-card').waitFor();
    expect(await focusedId(page)).toBe('firstName');
    for (const [id, value] of [['firstName', 'Aygul'], ['lastName', 'Kerim'], ['email', email], ['address', '5 King St'], ['city', 'Toronto']]) {
      await tabTo(page, `#${id}`);
      await page.keyboard.type(value);
    }
    await tabTo(page, '#consent-updates');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#consent-updates')).toBe(true);
    await tabTo(page, '#send');
    await page.keyboard.press('Enter');
    await thanked(page);
    const { rows } = await envOf().service.deps.db.query<{ granted: boolean }>(
      "SELECT c.granted FROM consents c JOIN supporters s ON s.id = c.supporter_id WHERE s.email = $1 AND c.purpose = 'updates'",
      [email],
    );
    expect(rows).toEqual([{ granted: true }]);
  });
});

describe('without JavaScript', () => {
  it('posts the form, brings it back with every input kept and errors by their fields, then thanks the supporter', async () => {
    const page = await envOf().page('without JavaScript', { javaScriptEnabled: false });
    await page.goto('/campaigns/xinjiang');
    await page.getByLabel(/^Postal code/).fill('M5V 3L9');
    await page.getByLabel(/^First name/).fill('Aziz');
    await page.getByLabel(/^Email/).fill('not-an-email');
    await page.getByLabel(/^Street address/).fill('1 Spadina Ave');
    await page.getByLabel(/^Your own words \(optional\)/).fill('Words I do not want to lose.');
    await page.getByLabel(/receive email updates/).check();
    await page.getByRole('button', { name: 'Send letter' }).click();

    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary').innerText()).toContain('There is a problem');
    expect(await page.locator('#lastName-error').innerText()).toBe('Enter your last name.');
    expect(await page.locator('#email-error').innerText()).toMatch(/email address like/);
    expect(await page.locator('#city-error').innerText()).toBe('Enter your city or town.');
    expect(await page.inputValue('#postalCode')).toBe('M5V 3L9');
    expect(await page.inputValue('#firstName')).toBe('Aziz');
    expect(await page.inputValue('#email')).toBe('not-an-email');
    expect(await page.inputValue('#address')).toBe('1 Spadina Ave');
    expect(await page.inputValue('#message')).toBe('Words I do not want to lose.');
    expect(await page.isChecked('#consent-updates')).toBe(true);
    // The first field in error has the focus (autofocus: no script needed).
    expect(await focusedId(page)).toBe('lastName');

    const email = uniqueEmail('supporter');
    await page.getByLabel(/^Last name/).fill('Kerim');
    await page.getByLabel(/^Email/).fill(email);
    await page.getByLabel(/^City or town/).fill('Toronto');
    await page.getByRole('button', { name: 'Send letter' }).click();
    // The answer to the post is the thank-you page itself: nothing of the action in any address.
    expect(await thanked(page)).toBe('Thank you, your letters are on their way');
    expect(page.url()).not.toContain('/actions/');
    await envOf().service.sendgrid.waitForAccepted(2);
    await page.goto(await statusLinkFor(email));
    expect(await page.locator('.letter-status').allInnerTexts()).toEqual([expect.stringMatching(/^Sent/), expect.stringMatching(/^Sent/)]);
  });

  it('asks for the riding when the postal code spans two, keeping what was typed', async () => {
    const page = await envOf().page('without JavaScript', { javaScriptEnabled: false });
    await page.goto('/campaigns/xinjiang');
    await page.getByLabel(/^Postal code/).fill('K0A1K0');
    await fillDetails(page, uniqueEmail('supporter'));
    await page.getByRole('button', { name: 'Send letter' }).click();
    await page.getByRole('radio', { name: /Carleton/ }).waitFor();
    expect(await page.inputValue('#firstName')).toBe('Mei');
    await page.getByRole('radio', { name: /Carleton/ }).check();
    await page.getByRole('button', { name: 'Send letter' }).click();
    await thanked(page);
    await envOf().service.sendgrid.waitForAccepted(2);
    expect(sentTo()).toEqual(['anita.anand@parl.gc.ca', 'bruce.fanjoy@parl.gc.ca']);
  });
});

describe('in French', () => {
  it('follows the browser’s language, says everything in French and writes the letters in French', async () => {
    const page = await (await envOf().context({ locale: 'fr-CA', extraHTTPHeaders: { 'Accept-Language': 'fr-CA,fr;q=0.9' } })).newPage();
    await page.goto('/campaigns/xinjiang');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.locator('h1').innerText()).toMatch(/Le Canada doit agir/);
    await page.getByLabel(/^Code postal/).fill('G0A 1A0');
    await page.getByRole('button', { name: 'Trouver mon député' }).click();
    await page.locator('.mp-card', { hasText: 'Joël Godin' }).waitFor();
    await page.getByRole('button', { name: 'Envoyer la lettre' }).click();
    await page.locator('#firstName-error:not([hidden])').waitFor();
    expect(await page.locator('#firstName-error').innerText()).toBe('Entrez votre prénom.');
    await page.getByLabel(/^Prénom/).fill('Élise');
    await page.getByLabel(/^Nom de famille/).fill('Tremblay');
    await page.getByLabel(/^Courriel/).fill(uniqueEmail('supporter'));
    await page.getByLabel(/^Adresse/).fill('12 rue Principale');
    await page.getByLabel(/^Ville ou municipalité/).fill('Sainte-Christine-d’Auvergne');
    await page.getByRole('button', { name: 'Envoyer la lettre' }).click();
    expect(await thanked(page)).toBe('Merci, vos lettres sont en route');
    const mails = await envOf().service.sendgrid.waitForAccepted(2);
    const toMp = mails.find((m) => m.body.personalizations[0].to[0].email === 'joel.godin@parl.gc.ca')!;
    expect(toMp.body.content![0].value).toContain('Bonjour Joël Godin');
  });

  it('has a visible language switch that keeps the page', async () => {
    const page = await envOf().page('with JavaScript');
    await page.goto('/campaigns/xinjiang');
    await page.getByRole('link', { name: 'Français' }).click();
    await page.waitForURL(/lang=fr/);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });
});

describe('for everyone', () => {
  it('has no serious accessibility violations, before and after errors, and on the thank-you page', async () => {
    const page = await envOf().page('with JavaScript');
    await page.goto('/campaigns/xinjiang');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel(/^Postal code/).fill('M5V 3L9');
    await page.getByRole('button', { name: 'Find my MP' }).click();
    await page.locator('.mp-card').waitFor();
    await page.getByRole('button', { name: 'Send letter' }).click();
    await page.locator('#error-summary:not([hidden])').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await fillDetails(page, uniqueEmail('supporter'));
    await page.getByRole('button', { name: 'Send letter' }).click();
    await thanked(page);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows the title, the counter and the postal code with Find my MP on a 360 × 740 phone’s first screen', async () => {
    const phone = await (await envOf().context({ viewport: { width: 360, height: 740 } })).newPage();
    await phone.goto('/campaigns/xinjiang');
    const bottomOf = async (locator: ReturnType<typeof phone.locator>) => {
      const box = await locator.boundingBox();
      return box ? box.y + box.height : Infinity;
    };
    for (const part of [phone.getByRole('heading', { level: 1 }), phone.locator('.counter'), phone.getByLabel(/^Postal code/), phone.getByRole('button', { name: 'Find my MP' })]) {
      expect(await bottomOf(part)).toBeLessThanOrEqual(740);
    }
    // The case for action follows the form there.
    const [summaryTop, formTop] = await Promise.all([phone.locator('.summary').boundingBox(), phone.locator('#action-form').boundingBox()]);
    expect(summaryTop!.y).toBeGreaterThan(formTop!.y);
    await screenshot(phone, 'action-page-360x740.png');
  });

  it('fits a 320 px wide phone screen without sideways scrolling (and saves screenshots)', async () => {
    const phone = await (await envOf().context({ viewport: { width: 320, height: 640 } })).newPage();
    await phone.goto('/campaigns/xinjiang');
    await phone.getByLabel(/^Postal code/).fill('M5V 3L9');
    await phone.getByRole('button', { name: 'Find my MP' }).click();
    await phone.locator('.mp-card').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const file = await screenshot(phone, 'action-page-320px.png');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);

    // 200% zoom of a 1280 px window lays out like a 640 px one.
    const zoomed = await (await envOf().context({ viewport: { width: 640, height: 800 }, deviceScaleFactor: 2 })).newPage();
    await zoomed.goto('/campaigns/xinjiang');
    expect(await zoomed.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(640);

    const desktop = await (await envOf().context({ viewport: { width: 1280, height: 900 } })).newPage();
    await desktop.goto('/campaigns/xinjiang');
    await screenshot(desktop, 'action-page-desktop.png');
  });
});
