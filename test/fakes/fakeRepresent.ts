// A local stand-in for https://represent.opennorth.ca, serving the recorded postcode answers.
// It copies the real server's quirks (see docs reference represent.md §1, §4, §9): paths need a
// trailing slash (301 otherwise), codes match exactly (upper case, no space) or get an HTML 404,
// JSON is escaped like Python's json.dumps, and too many requests get an nginx-style 503.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type RepresentMode = 'ok' | 'fail' | 'hang' | 'overloaded' | 'error500' | 'throttled';

export interface FakeRepresent {
  url: string;
  /** `throttled` answers 429, with Retry-After when `retryAfterSeconds` is given. */
  setMode(mode: RepresentMode, options?: { retryAfterSeconds?: number }): void;
  setRateLimit(perMinute: number | null): void;
  addPostcode(body: object): void;
  requests(): string[];
  count(path?: string): number;
  overLimitAnswers(): number;
  reset(): void;
  close(): Promise<void>;
}

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'represent');
const DEFAULT_LIMIT = 60; // "free up to 60 requests per minute" (Represent API docs)
const WINDOW_MS = 60_000;

// Outage answer seen in represent-canada#138/#139: nginx in front of a dead upstream.
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

// Django route: \w{6}, plus the legacy aliases that return the same object.
const POSTCODE_ROUTE = /^\/postcodes\/(\w{6})\/(?:(?:boundaries|representatives)\/)?$/;

/** Python json.dumps(obj) with defaults: ", " / ": " separators and ensure_ascii escapes. */
export function pythonJsonDumps(value: unknown): string {
  return dumps(value).replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

function dumps(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(dumps).join(', ') + ']';
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return '{' + entries.map(([k, v]) => JSON.stringify(k) + ': ' + dumps(v)).join(', ') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

function loadPostcodes(): Map<string, object> {
  const byCode = new Map<string, object>();
  for (const file of fs.readdirSync(FIXTURES)) {
    if (!/^postcode-[A-Z0-9]+-.*\.json$/.test(file)) continue;
    const body = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { code: string };
    byCode.set(body.code, body);
  }
  return byCode;
}

export async function startFakeRepresent(): Promise<FakeRepresent> {
  const postcodes = loadPostcodes();
  const notFoundHtml = fs.readFileSync(path.join(FIXTURES, 'error-404-postcode-not-found.html'));
  const overloadedHtml = fs.readFileSync(path.join(FIXTURES, 'error-503-rate-limited.ASSUMED-nginx.html'));

  let mode: RepresentMode = 'ok';
  let retryAfter: number | null = null;
  let limit: number | null = DEFAULT_LIMIT;
  let seen: string[] = [];
  let arrivals: number[] = []; // timestamps inside the sliding window
  let overLimit = 0;

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { 'Content-Type': type, ...extra });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const rawUrl = req.url ?? '/';
    seen.push(rawUrl);

    // Every request counts toward the window, whatever it is answered.
    const now = Date.now();
    arrivals = arrivals.filter((t) => now - t < WINDOW_MS);
    arrivals.push(now);

    // Test-chosen failure modes win over everything else, routing included.
    if (mode === 'hang') return; // never answer; close() destroys the socket
    if (mode === 'fail') return send(res, 502, 'text/html', BAD_GATEWAY_HTML);
    if (mode === 'overloaded') return send(res, 503, 'text/html', overloadedHtml);
    if (mode === 'error500') return send(res, 500, 'text/html', '<h1>Server Error (500)</h1>');
    // Represent documents no 429, but a proxy in front of it could answer one, with or without Retry-After.
    if (mode === 'throttled') {
      if (retryAfter !== null) res.setHeader('Retry-After', String(retryAfter));
      return send(res, 429, 'text/plain', 'Too Many Requests');
    }
    if (limit !== null && arrivals.length > limit) {
      overLimit += 1;
      return send(res, 503, 'text/html', overloadedHtml);
    }

    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = q === -1 ? '' : rawUrl.slice(q);
    const html404 = () => send(res, 404, 'text/html; charset=utf-8', notFoundHtml);

    // Django APPEND_SLASH: redirect only if the slashed path would match a route.
    if (!pathname.endsWith('/') && POSTCODE_ROUTE.test(pathname + '/')) {
      return send(res, 301, 'text/html; charset=utf-8', '', { Location: pathname + '/' + query });
    }
    const match = POSTCODE_ROUTE.exec(pathname);
    if (!match) return html404();
    // Django's View checks the method before the view looks anything up.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/html; charset=utf-8', '', { Allow: 'GET, HEAD' });
    }
    const body = postcodes.get(match[1]);
    if (!body) return html404();
    // Access-Control-Allow-Origin only on successful API answers, as in boundaries' APIView.
    return send(res, 200, 'application/json; charset=utf-8', pythonJsonDumps(body), {
      'Access-Control-Allow-Origin': '*',
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (m, options) => {
      mode = m;
      retryAfter = options?.retryAfterSeconds ?? null;
    },
    setRateLimit: (perMinute) => { limit = perMinute; },
    addPostcode: (body) => {
      const code = (body as { code?: unknown }).code;
      if (typeof code !== 'string') throw new Error('addPostcode: body needs a string "code"');
      postcodes.set(code, body);
    },
    requests: () => [...seen],
    // A path without "?" is compared with the request path minus its query string.
    count: (p) => p === undefined ? seen.length : seen.filter((u) => (p.includes('?') ? u : u.split('?')[0]) === p).length,
    overLimitAnswers: () => overLimit,
    reset: () => {
      mode = 'ok';
      limit = DEFAULT_LIMIT;
      seen = [];
      arrivals = [];
      overLimit = 0; // postcodes added with addPostcode() stay
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections(); // ends hanging and keep-alive sockets so close() can finish
    }),
  };
}
