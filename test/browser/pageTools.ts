/// <reference lib="dom" />
// Small helpers for driving pages the way people do: by label, by keyboard, and checked with axe.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { Role } from '../../src/domain/ports';
import { ensureAccount, linkFromMail } from '../helpers/campaigners';
import type { TestService } from '../helpers/testService';

export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

/** Presses Tab until `selector` has the focus: proves it is reachable by keyboard. */
export async function tabTo(page: Page, selector: string, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${maxPresses} presses of Tab`);
}

/**
 * The id of the element that has the focus, waiting for one to take it. Chromium applies
 * `autofocus` (how a page sent back with errors focuses its first field) at its next rendering
 * update, not when the document is parsed, so right after a navigation the focus can still be on
 * nothing. Locators work with the page's JavaScript off too. Fails, saying so, when nothing takes
 * the focus within 5 s (it used to wait those 5 s and answer undefined).
 */
export async function focusedId(page: Page): Promise<string> {
  const focused = page.locator(':focus');
  await focused.waitFor({ state: 'attached', timeout: 5_000 });
  return (await focused.first().getAttribute('id')) ?? '';
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Signs this page in as a campaigner the way people do: the account made with the admin token,
 * a link asked for on the sign-in page, opened from the email, and its button pressed.
 */
export async function signInAs(page: Page, service: TestService, email: string, role: Role = 'owner', mayPublish = false): Promise<void> {
  await ensureAccount(service, email, role, mayPublish);
  const secret = await linkFromMail(service, email, async () => {
    await page.goto('/admin/login');
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').waitFor();
  });
  await page.goto(`/admin/login/link?token=${encodeURIComponent(secret)}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
}

/** A supporter's details on a letter form, as Mei types them. */
export async function fillDetails(page: Page | Frame, email: string): Promise<void> {
  await page.getByLabel(/^First name/).fill('Mei');
  await page.getByLabel(/^Last name/).fill('Tursun');
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Street address/).fill('12 Front Street West');
  await page.getByLabel(/^City or town/).fill('Toronto');
}
