/// <reference lib="dom" />
// No script from the input ever runs, in real Chromium, on any page that shows what supporters
// or campaigners typed: the thank-you / status page, the no-JavaScript form sent back with its
// errors, the action page (with JavaScript: MP lookup, preview, sending), pages with hostile
// query strings, and the dashboard. The payloads are the "html" entries of the hostile corpus.
//
// The pages' Content-Security-Policy would block an injected inline script even if one slipped
// into the HTML, so `window.__xss` alone proves little: each page is also searched for any inline
// <script> other than the #page-data JSON block, any on* attribute, javascript: URLs and foreign
// elements, and Chromium's console is watched for CSP refusals (the trace of a blocked injection).
import { apiTokenOf, ensureAccount, signInLink } from '../helpers/campaigners';
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import request from 'supertest';
import { subjectIndex } from '../../src/domain/composeLetters';
import { supporter } from '../helpers/testService';
import { browserEnvForFile } from './browserEnv';

const TOKEN = 'hostile-pages-admin-token';

interface HostileEntry {
  name: string;
  kind: string;
  value: unknown;
}
const CORPUS: HostileEntry[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'hostile-inputs.json'), 'utf8'));
const PAYLOADS = CORPUS.filter((e) => e.kind === 'html' && typeof e.value === 'string').map((e) => e.value as string);
/** Payload `i`, wrapping around the list. */
const P = (i: number) => PAYLOADS[i % PAYLOADS.length];
/** A campaigner's address whose local part is a payload (no spaces, no @: it passes as an address). */
const HOSTILE_EMAIL = `${PAYLOADS.find((p) => /^[\x21-\x7e]+$/.test(p) && !p.includes('@'))}@example.org`;

// The one subject that names the supporter's city: the status and dashboard pages show it.
const CAMPAIGN = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'campaigns', 'xinjiang', 'campaign.json'), 'utf8')) as {
  subjects: { en: string[] };
};
const CITY_SUBJECT = CAMPAIGN.subjects.en.findIndex((s) => s.includes('supporter.city'));
let emailCounter = 0;
/** A fresh address whose MP letter gets the subject with the (hostile) city in it. */
function emailWithCitySubject(): string {
  for (;;) {
    const email = `hostile.page.${Date.now()}.${(emailCounter += 1)}@example.com`;
    if (CITY_SUBJECT < 0 || subjectIndex(`${email}:mp`, CAMPAIGN.subjects.en.length) === CITY_SUBJECT) return email;
  }
}

// One service and Chromium for the file (browserEnvForFile).
const envOf = browserEnvForFile({ env: { ADMIN_TOKEN: TOKEN, SUBMIT_RATE_PER_IP_PER_MIN: '100000', SUBMIT_RATE_PER_EMAIL_PER_HOUR: '100000' } });

interface View {
  page: Page;
  logs: string[];
  dialogs: string[];
}

/** The requests a page has started and not yet finished, and a way to wait until there are none. */
interface RequestsInFlight {
  idle(): Promise<void>;
  urls(): string[];
}
function trackRequests(page: Page): RequestsInFlight {
  const inFlight = new Set<Request>();
  let waiting: Array<() => void> = [];
  const done = (request: Request) => {
    inFlight.delete(request);
    if (inFlight.size > 0) return;
    const wake = waiting;
    waiting = [];
    wake.forEach((resolve) => resolve());
  };
  page.on('request', (request) => inFlight.add(request));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    idle: () => (inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    urls: () => [...inFlight].map((r) => r.url().slice(0, 120)),
  };
}

/** What is watched on the hostile page: the current view's console lines and dialogs, and its requests. */
const watched = new WeakMap<Page, { current: View; requests: RequestsInFlight }>();

/**
 * A page whose alert() only counts; every console line is kept (CSP refusals show there). One
 * page of this kind for the file, not a new context per input (browserEnv's page()): each view
 * starts signed out with its own console lines and dialogs, on a fresh document (the init script
 * runs again at every navigation), and the page is left on about:blank after each test.
 */
async function hostilePage(): Promise<View> {
  const page = await envOf().page('hostile');
  let state = watched.get(page);
  if (!state) {
    await page.context().addInitScript(() => {
      (window as unknown as { __xss: number }).__xss = 0;
      window.alert = () => {
        (window as unknown as { __xss: number }).__xss += 1;
      };
    });
    const ready = { current: { page, logs: [] as string[], dialogs: [] as string[] }, requests: trackRequests(page) };
    page.on('console', (m) => ready.current.logs.push(m.text()));
    page.on('pageerror', (e) => ready.current.logs.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      ready.current.dialogs.push(d.message());
      void d.dismiss();
    });
    watched.set(page, ready);
    state = ready;
  }
  state.current = { page, logs: [], dialogs: [] };
  return state.current;
}

/**
 * Once the page has loaded, every request it started has finished, and it has rendered a frame
 * and run the tasks queued before it (autofocus, toggle and error events fire by then). This is
 * the state `networkidle` waited for, awaited as events instead of half a second of quiet.
 */
async function settled(page: Page): Promise<void> {
  const { requests } = watched.get(page)!;
  await page.waitForLoadState('load');
  for (let round = 0; round < 2; round += 1) {
    const idle = requests.idle();
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error(`requests still in flight after 10 s: ${requests.urls().join(', ')}`)), 10_000);
      void idle.finally(() => clearTimeout(timer));
    });
    await Promise.race([idle, timeout]);
    // A frame, then a task: whatever the page queued while loading has run (and any request it started is seen).
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  }
}

/** After the page and any script it started have settled: nothing from the input ran or was parsed as markup. */
async function expectNoScriptRan(where: string, { page, logs, dialogs }: View) {
  await settled(page);
  const found = await page.evaluate(() => {
    const xss = (window as unknown as { __xss?: number }).__xss;
    const inlineScripts = Array.from(document.querySelectorAll('script:not([src])'))
      .filter((s) => !(s.id === 'page-data' && s.getAttribute('type') === 'application/json'))
      .map((s) => s.outerHTML.slice(0, 120));
    const onErrorOrLoad = Array.from(document.querySelectorAll('[onerror],[onload]')).map((e) => e.outerHTML.slice(0, 120));
    const handlers = Array.from(document.querySelectorAll('*')).flatMap((e) =>
      Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `<${e.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 40)}">`),
    );
    const scriptUrls = Array.from(document.querySelectorAll('[href],[src],[action],[formaction],[data]'))
      .map((e) => ['href', 'src', 'action', 'formaction', 'data'].map((a) => e.getAttribute(a) ?? '').join(' '))
      .filter((v) => /(^|\s)\s*(javascript|vbscript|data:text\/html)/i.test(v));
    const foreign = [
      ...Array.from(document.querySelectorAll('iframe, frame, object, embed, base, meta[http-equiv], math, template, style, svg:not(.chart), img:not([src^="https://www.ourcommons.ca/"])')),
    ].map((e) => e.outerHTML.slice(0, 120));
    return { xss, inlineScripts, onErrorOrLoad, handlers, scriptUrls, foreign };
  });
  const refusals = logs.filter((line) => /Content Security Policy|Refused to (execute|load|apply)/i.test(line));
  expect({ where, ...found, refusals, dialogs }).toEqual({
    where,
    xss: 0,
    inlineScripts: [],
    onErrorOrLoad: [],
    handlers: [],
    scriptUrls: [],
    foreign: [],
    refusals: [],
    dialogs: [],
  });
}

/** The page's visible and hidden text (what the payloads must have become). */
const textOf = (page: Page) => page.evaluate(() => document.body.textContent ?? '');
/** Every form control's current value. */
const valuesOf = (page: Page) => page.evaluate(() => Array.from(document.querySelectorAll('input, textarea')).map((e) => (e as HTMLInputElement).value));

/** Sends a form post as a real top-level navigation (the no-JavaScript path), with exactly these fields. */
async function postForm(page: Page, fields: Record<string, string>, query = ''): Promise<number> {
  const url = `/campaigns/xinjiang${query}`;
  await page.route(`**${url}`, (route) =>
    route.continue({
      method: 'POST',
      postData: new URLSearchParams(fields).toString(),
      headers: { ...route.request().headers(), 'content-type': 'application/x-www-form-urlencoded' },
    }),
  );
  const res = await page.goto(url);
  await page.unrouteAll();
  return res?.status() ?? 0;
}

it('the checks themselves catch a script that runs and markup that was not escaped', async () => {
  const view = await hostilePage();
  await view.page.setContent('<p>x</p><img src="x" onerror="alert(1)"><script>alert(2)</script>');
  await expect(expectNoScriptRan('a page made to fail', view)).rejects.toThrow(/xss|inlineScripts|onErrorOrLoad/);
  const xss = await view.page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0);
  expect(xss + view.dialogs.length).toBe(2);
});

describe('the thank-you / status page', () => {
  // Ten supporters, sent before their pages are opened so their letters travel meanwhile;
  // between them every payload is a first name, last name, street and city, and each one's
  // paragraph holds all the payloads.
  const SUPPORTERS = Array.from({ length: Math.ceil(PAYLOADS.length / 4) }, (_, i) => i);
  const sent = new Map<number, { id: string; token: string; letterIds: string[] }>();
  beforeAll(async () => {
    const message = PAYLOADS.join('\n\n').slice(0, 2000);
    // Ten different supporters: their submissions do not depend on each other.
    await Promise.all(
      SUPPORTERS.map(async (i) => {
        const body = supporter({ email: emailWithCitySubject(), firstName: P(4 * i), lastName: P(4 * i + 1), address: P(4 * i + 2), city: P(4 * i + 3), message });
        const res = await envOf().service.submitted(body);
        sent.set(i, { id: res.id, token: res.token, letterIds: res.letters.map((l) => l.id) });
      }),
    );
  });

  it.each(SUPPORTERS)('shows supporter %i’s hostile name, address, city and paragraph as text, before and after the letters went out', async (i) => {
    const { id, token, letterIds } = sent.get(i)!;
    const view = await hostilePage();
    await view.page.goto(`/actions/${id}?token=${encodeURIComponent(token)}&lang=en&new=1`);
    await expectNoScriptRan(`status page of supporter ${i}`, view);
    const text = await textOf(view.page);
    for (const payload of [P(4 * i), P(4 * i + 1), P(4 * i + 2), P(4 * i + 3)]) expect(text).toContain(payload);
    expect(text).toContain(PAYLOADS[0]);
    // The page refreshes the letters' status with its own script while they travel.
    await Promise.all(letterIds.map((letterId) => envOf().service.waitForLetter(letterId, 'accepted')));
    await view.page.reload();
    await expectNoScriptRan(`status page of supporter ${i}, letters sent`, view);
  });

  it('keeps hostile query strings out of the page', async () => {
    const res = await envOf().service.submitted(supporter());
    const extra = PAYLOADS.map((p, i) => `&p${i}=${encodeURIComponent(p)}`).join('');
    for (const lang of [P(0), P(3), 'fr']) {
      const view = await hostilePage();
      await view.page.goto(`/actions/${res.id}?token=${encodeURIComponent(res.token)}&new=1&lang=${encodeURIComponent(lang)}${extra}`);
      await expectNoScriptRan(`status page with ?lang=${lang}`, view);
    }
    const view = await hostilePage();
    await view.page.goto(`/actions/${res.id}?token=${encodeURIComponent(P(1))}${extra}`);
    await expectNoScriptRan('status page with a hostile token', view);
  });
});

describe('the no-JavaScript form sent back with its errors', () => {
  it.each(Array.from({ length: Math.ceil(PAYLOADS.length / 5) }, (_, i) => i))('keeps hostile values typed, as values, with a field missing (round %i)', async (i) => {
    const view = await hostilePage();
    const fields = {
      postalCode: 'M5V 3L9',
      firstName: P(5 * i),
      lastName: P(5 * i + 1),
      // email missing: the form comes back
      address: P(5 * i + 2),
      city: P(5 * i + 3),
      message: `${P(5 * i + 4)}\n\n${PAYLOADS.join('\n')}`.slice(0, 2000),
      district: P(5 * i + 4),
      locale: 'en',
      shownAt: String(Date.now() - 60_000),
    };
    expect(await postForm(view.page, fields)).toBe(400);
    await expectNoScriptRan(`form round trip ${i}`, view);
    const values = await valuesOf(view.page);
    for (const key of ['firstName', 'lastName', 'address', 'city'] as const) expect(values).toContain(fields[key]);
    // The paragraph comes back exactly as typed, line breaks and all (sending it again must not
    // change it); compared line by line so a failure names the line.
    const kept = (await view.page.locator('#message').inputValue()).split('\n');
    const typed = fields.message.split('\n');
    const line = typed.findIndex((l, n) => kept[n] !== l);
    expect(line < 0 ? null : { line: line + 1, typed: typed[line], shown: kept[line] }).toBeNull();
    expect(kept).toHaveLength(typed.length);
  });

  const FORM_CASES: Array<[string, Record<string, string>, string]> = [
    ['a hostile postal code', { postalCode: P(0), firstName: P(1), lastName: P(2), email: 'x@example.com', address: P(3), city: P(4) }, ''],
    ['a hostile locale', { postalCode: 'M5V 3L9', firstName: P(5), lastName: P(6), locale: P(7) }, `?lang=${encodeURIComponent(P(8))}`],
    ['no time stamp (try again)', { postalCode: 'M5V 3L9', firstName: P(9), lastName: P(10), email: 'y@example.com', address: P(11), city: P(12) }, ''],
    ['the hidden field filled', { postalCode: 'M5V 3L9', firstName: P(13), faxNumber: P(14), email: 'z@example.com', address: P(15), city: P(16) }, ''],
    [
      'an ambiguous postal code with a hostile riding',
      { postalCode: 'K0A 1K0', firstName: P(17), lastName: P(18), email: emailWithCitySubject(), address: P(19), city: P(20), district: P(21) },
      '',
    ],
    ['hostile keys', { [P(22)]: P(23), 'consent[updates]': P(24), [`consent[${P(25)}]`]: 'on', postalCode: 'M5V 3L9' }, ''],
  ];
  it.each(FORM_CASES)('survives %s', async (what, fields, query) => {
    const view = await hostilePage();
    const withTime = what.startsWith('no time') ? fields : { shownAt: String(Date.now() - 60_000), ...fields };
    const status = await postForm(view.page, withTime, query);
    expect([400, 409]).toContain(status);
    await expectNoScriptRan(`form with ${what}`, view);
  });
});

describe('the action page', () => {
  const QUERY_LANGS: Array<[string, string]> = [['payload 0', P(0)], ['payload 1', P(1)], ['payload 3', P(3)], ['fr', 'fr']];
  it.each(QUERY_LANGS)('keeps hostile query strings out of the page (?lang=%s)', async (_label, lang) => {
    const extra = PAYLOADS.map((p, i) => `&p${i}=${encodeURIComponent(p)}`).join('');
    const view = await hostilePage();
    await view.page.goto(`/campaigns/xinjiang?lang=${encodeURIComponent(lang)}${extra}`);
    await expectNoScriptRan(`action page with ?lang=${lang}`, view);
  });

  it.each([0, 3, 12])('keeps hostile paths out of the not-found pages (payload %i)', async (n) => {
    const payload = P(n);
    const view = await hostilePage();
    await view.page.goto(`/campaigns/${encodeURIComponent(payload)}?lang=${encodeURIComponent(payload)}`);
    await expectNoScriptRan(`not-found page for ${payload}`, view);
    const missing = await hostilePage();
    await missing.page.goto(`/actions/${encodeURIComponent(payload)}?token=${encodeURIComponent(payload)}`);
    await expectNoScriptRan(`unknown action page for ${payload}`, missing);
  });

  it('with JavaScript: errors, preview and sending show hostile values as text', async () => {
    const view = await hostilePage();
    const { page } = view;
    await page.goto('/campaigns/xinjiang');
    await page.getByLabel(/^Postal code/).fill('m5v3l9');
    await page.getByRole('button', { name: 'Find my MP' }).click();
    await page.locator('.mp-card', { hasText: 'Chi Nguyen' }).waitFor();
    // A bad email first: the errors come from the API and are drawn by the page's script.
    await page.getByLabel(/^First name/).fill(P(0));
    await page.getByLabel(/^Last name/).fill(P(1));
    await page.getByLabel(/^Email/).fill(P(2).slice(0, 200));
    await page.getByLabel(/^Street address/).fill(P(3));
    await page.getByLabel(/^City or town/).fill(P(4));
    await page.getByLabel(/^Your own words/).fill(PAYLOADS.join('\n\n').slice(0, 2000));
    await page.getByRole('button', { name: 'Preview my letters' }).click();
    await page.locator('.error-summary, [role="alert"]').first().waitFor();
    await expectNoScriptRan('action page with the API’s errors', view);

    const email = emailWithCitySubject();
    await page.getByLabel(/^Email/).fill(email);
    await page.getByRole('button', { name: 'Preview my letters' }).click();
    await page.locator('#preview article').nth(1).waitFor();
    expect(await page.locator('#preview').innerText()).toContain(P(0));
    await expectNoScriptRan('action page with the preview', view);

    await page.getByRole('button', { name: 'Send letter' }).click();
    await page.locator('#thanks-title').waitFor();
    await expectNoScriptRan('thank-you view after sending with JavaScript', view);
    // The thank-you view shows the letters' subjects (the hostile city is in one).
    expect(await textOf(page)).toContain(P(4));
    // Its letters on their way before the next test scripts SendGrid's answers.
    const { letterIds } = await envOf().service.actionOf(email);
    await Promise.all(letterIds.map((id) => envOf().service.waitForLetter(id, 'accepted')));
  });
});

describe('the dashboard', () => {
  it('shows hostile supporters, riding, campaigner address and retry author as text', async () => {
    const { service } = envOf();
    // A letter that fails once (to be retried by a hostile name), for a supporter whose city is in its subject.
    service.sendgrid.script(400);
    const first = await service.submitted(supporter({ email: emailWithCitySubject(), firstName: P(0), lastName: P(1), address: P(2), city: P(3), message: P(4) }));
    const { letters } = first;
    const settled = await Promise.all(letters.map((l) => service.waitForLetter(l.id, ['failed', 'accepted'])));
    const failed = settled.find((l) => l.status === 'failed');
    expect(failed).toBeDefined();
    // An account whose address is a payload (made through the API: no mail service would take
    // it, so it never signs in): the accounts page and the activity show it, as text.
    await ensureAccount(service, HOSTILE_EMAIL, 'editor');
    // Retried through the API by a campaigner: the letter's history names her.
    await request(service.app)
      .post(`/api/admin/letters/${failed!.id}/retry`)
      .set('Authorization', `Bearer ${await apiTokenOf(service, 'ines@example.org', 'editor')}`)
      .expect(202);
    await service.waitForLetter(failed!.id, 'accepted');
    // A riding typed by the supporter is kept when Represent cannot answer at submit time.
    service.represent.setMode('error500');
    await request(service.app)
      .post('/api/campaigns/xinjiang/actions')
      .send(supporter({ email: emailWithCitySubject(), firstName: P(5), district: P(6), city: P(7) }))
      .expect(202);
    service.represent.setMode('ok');

    // Sign-in: a hostile address asked for comes back in the answer, as text.
    const view = await hostilePage();
    const { page } = view;
    await page.goto(`/admin/login?next=${encodeURIComponent(P(8))}`);
    await expectNoScriptRan('sign-in page with a hostile next', view);
    await page.locator('form').first().evaluate((form) => ((form as HTMLFormElement).noValidate = true));
    await page.getByLabel('Your email address').fill(P(9));
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').waitFor();
    await expectNoScriptRan('sign-in page answered, with a hostile address', view);
    await page.goto(`/admin/login/link?token=${encodeURIComponent(P(10))}`);
    await expectNoScriptRan('sign-in link page with a hostile token', view);

    await ensureAccount(service, 'owner@example.org', 'owner');
    await page.goto(`/admin/login/link?token=${encodeURIComponent(await signInLink(service, 'owner@example.org'))}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin$/);
    await expectNoScriptRan('dashboard home, with a hostile address in its activity', view);
    expect(await textOf(page)).toContain(`added ${HOSTILE_EMAIL} as editor`);
    await page.goto('/admin/accounts');
    await expectNoScriptRan('accounts page listing a hostile address', view);
    expect(await textOf(page)).toContain(HOSTILE_EMAIL);

    for (const url of [
      '/admin?campaign=xinjiang',
      `/admin?campaign=${encodeURIComponent(P(1))}`,
      `/admin?campaign=xinjiang&done=${encodeURIComponent(P(2))}`,
      `/admin/letters/${failed!.id}`,
      ...letters.map((l) => `/admin/letters/${l.id}`),
      `/admin/letters/${encodeURIComponent(P(3))}`,
    ]) {
      await page.goto(url);
      await expectNoScriptRan(`dashboard ${url}`, view);
    }
    await page.goto(`/admin/letters/${failed!.id}`);
    const history = await textOf(page);
    expect(history).toContain('retried by ines@example.org');
  });
});
