// The real service listening on a port, and a real headless Chromium (Debian's, never a download).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestService, type TestService, type TestServiceOptions } from '../helpers/testService';

export type ContextOptions = Parameters<Browser['newContext']>[0];

export interface BrowserEnv {
  service: TestService;
  baseUrl: string;
  browser: Browser;
  /** A context of its own, closed by closeContexts(). */
  context(options?: ContextOptions): Promise<BrowserContext>;
  /**
   * The page of a kind (JavaScript off, French, a phone's screen…): one context and one page per
   * kind for the whole file, instead of a new context per test. It comes signed out; each test
   * navigates it where it needs. The same kind must always be asked with the same options.
   */
  page(kind: string, options?: ContextOptions): Promise<Page>;
  /** Closes the contexts opened so far, and leaves every kind's page on about:blank: a page left open keeps its scripts (polling) running. */
  closeContexts(): Promise<void>;
  close(): Promise<void>;
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function startBrowserEnv(options: TestServiceOptions = {}): Promise<BrowserEnv> {
  // Test robots fill forms faster than people: the minimum time on page has its own test.
  const service = await startTestService({ ...options, env: { FORM_MIN_MS: '0', ...options.env } });
  const server = http.createServer(service.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    // This machine has no network beyond loopback: keep Chromium from trying.
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  const kinds = new Map<string, { options: string; page: Page }>();
  const closeContexts = async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    for (const { page } of kinds.values()) {
      await page.unrouteAll();
      await page.goto('about:blank');
    }
  };
  return {
    service,
    baseUrl,
    browser,
    async context(contextOptions) {
      const context = await browser.newContext({ baseURL: baseUrl, ...contextOptions });
      contexts.push(context);
      return context;
    },
    async page(kind, contextOptions) {
      const known = kinds.get(kind);
      if (known) {
        if (known.options !== JSON.stringify(contextOptions ?? {})) throw new Error(`the "${kind}" page was opened with other options`);
        await known.page.context().clearCookies();
        return known.page;
      }
      const context = await browser.newContext({ baseURL: baseUrl, ...contextOptions });
      const page = await context.newPage();
      kinds.set(kind, { options: JSON.stringify(contextOptions ?? {}), page });
      return page;
    },
    closeContexts,
    async close() {
      await closeContexts();
      for (const { page } of kinds.values()) await page.context().close().catch(() => undefined);
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}

/**
 * One BrowserEnv for the test file (started before its tests, closed after), with the fakes
 * reset before each test. Call at the top of the file; the getter gives the env inside tests.
 */
export function browserEnvForFile(options: TestServiceOptions = {}): () => BrowserEnv {
  let env: BrowserEnv | undefined;
  beforeAll(async () => {
    env = await startBrowserEnv(options);
  });
  afterAll(() => env?.close());
  beforeEach(() => {
    env!.service.sendgrid.reset();
    env!.service.represent.reset();
  });
  // A page left open keeps its scripts running (the status page polls) and slows every later test.
  afterEach(() => env?.closeContexts());
  return () => env!;
}

let emails = 0;
/** An address no other test used: one action per email per campaign. */
export const uniqueEmail = (name: string) => `${name}${Date.now()}${(emails += 1)}@example.com`;
