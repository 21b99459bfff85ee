/// <reference lib="dom" />
// The action page inside an organisation's own page, served from another origin: embed.js puts it
// in a frame that grows to the page's height (told by postMessage), passes the host page's UTM
// parameters on, and ignores a height message from any other origin.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBrowserEnv, uniqueEmail, type BrowserEnv } from './browserEnv';
import { fillDetails, screenshot } from './pageTools';

let env: BrowserEnv;
let host: http.Server;
let hostOrigin: string;

beforeAll(async () => {
  // The organisation's site: its own page, on another port (another origin), with the one line.
  host = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example Org: act now</title></head>
<body style="margin:0;font-family:sans-serif"><header style="background:#333;color:#fff;padding:1rem">Example Org</header>
<main><h1>Act for Uyghur families</h1>
<script src="${env.baseUrl}/embed.js" data-campaign="xinjiang" data-title="Send a letter to your MP" async></script>
</main><footer style="padding:1rem">Example Org footer</footer></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  env = await startBrowserEnv({ env: { FRAME_ANCESTORS: hostOrigin } });
});
afterAll(async () => {
  await env.close();
  host.closeAllConnections();
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

const frameHeight = (page: import('playwright-core').Page) => page.evaluate(() => document.querySelector('iframe')!.getBoundingClientRect().height);

it('shows the action page in a frame that fits its content, with the host page’s UTM parameters, and ignores a forged height', async () => {
  const page = await (await env.context({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${hostOrigin}/?utm_source=partner-site&utm_medium=embed`);
  const frame = page.frameLocator('iframe[title="Send a letter to your MP"]');
  await frame.getByRole('heading', { name: 'Send your letter' }).waitFor();
  const src = await page.getAttribute('iframe', 'src');
  expect(new URL(src!).searchParams.get('utm_source')).toBe('partner-site');
  // The frame grew from its first 900 px to the page's whole height: no scroll bar inside.
  await page.waitForFunction(() => document.querySelector('iframe')!.getBoundingClientRect().height > 1200);
  const fitted = await frameHeight(page);
  const inner = await page.frames()[1].evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  expect(Math.abs(fitted - inner)).toBeLessThanOrEqual(2);

  // A message from another origin (here, the host page itself) cannot resize it.
  // Messages arrive in order: once the marker sent after it has arrived, the forged one was handled.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        window.addEventListener('message', (event) => event.data === 'marker' && resolve(null));
        window.postMessage({ type: 'dearmp:height', height: 300 }, '*');
        window.postMessage('marker', '*');
      }),
  );
  expect(await frameHeight(page)).toBe(fitted);
  await screenshot(page, 'embedded.png');

  // The supporter acts inside the frame; the action remembers the host page's source.
  const email = uniqueEmail('embedded');
  await frame.getByLabel(/^Postal code/).fill('M5V 3L9');
  await frame.getByRole('button', { name: 'Find my MP' }).click();
  await frame.locator('.mp-card', { hasText: 'Chi Nguyen' }).waitFor();
  await fillDetails(page.frames()[1], email);
  await frame.getByRole('button', { name: 'Send letter' }).click();
  await frame.locator('#thanks-title').waitFor();
  const { rows } = await env.service.deps.db.query<{ source: Record<string, string> }>(
    'SELECT a.source FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE s.email = $1',
    [email],
  );
  expect(rows[0].source).toEqual({ utm_source: 'partner-site', utm_medium: 'embed' });
  // The thank-you view is shorter: the frame follows it.
  await page.waitForFunction((before) => document.querySelector('iframe')!.getBoundingClientRect().height < before, fitted);
});
