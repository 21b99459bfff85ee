// The hostile-input corpus (test/fixtures/hostile-inputs.json) against every public route of the
// real service: never a 5xx, every API error in the contract's shape, no hostile markup in any
// page, and every letter an accepted hostile action produced goes to its MP or minister only,
// with no extra recipient, header or script. Requests go through a real socket with node:http
// (not supertest: its WHATWG URL parsing would normalise the `..` and `%2e` path tricks away).
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import type { SentMail } from '../fakes/fakeSendgrid';

// ---------------------------------------------------------------------------------------------
// The corpus

interface HostileEntry {
  name: string;
  kind: string;
  /** field: into one action field; body: the whole JSON body; merge: keys over a valid body;
   *  form: a urlencoded fragment over a valid form; param: route params and query strings; raw: bytes. */
  as: 'field' | 'body' | 'merge' | 'form' | 'param' | 'raw';
  value: unknown;
  generate?: string;
  raw?: string;
  contentType?: string;
  contentEncoding?: string;
  mergeKey?: string;
}

const CORPUS: HostileEntry[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'hostile-inputs.json'), 'utf8'));
const KINDS = [...new Set(CORPUS.map((e) => e.kind))];

/** The entry's value, with generated values (too large or too deep to write) expanded. */
function valueOf(entry: HostileEntry): unknown {
  if (!entry.generate) return entry.value;
  const [how, countText, ...rest] = entry.generate.split(':');
  const n = Number(countText);
  switch (how) {
    case 'repeat':
      return rest.join(':').repeat(n);
    case 'deep-object': {
      let v: unknown = 'x';
      for (let i = 0; i < n; i += 1) v = { a: v };
      return v;
    }
    case 'deep-array': {
      let v: unknown = 'x';
      for (let i = 0; i < n; i += 1) v = [v];
      return v;
    }
    case 'array':
      return new Array(n).fill(null);
    case 'keys':
      return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    case 'form-deep':
      return `firstName${'[a]'.repeat(n)}=x`;
    case 'form-many':
      return Array.from({ length: n }, (_, i) => `p${i}=x`).join('&');
    default:
      throw new Error(`unknown generator ${entry.generate} in ${entry.name}`);
  }
}

const VALUES = new Map(CORPUS.map((e) => [e, valueOf(e)]));
const ofKind = (kind: string, ...as: HostileEntry['as'][]) => CORPUS.filter((e) => e.kind === kind && as.includes(e.as));

const ACTION_FIELDS = ['firstName', 'lastName', 'email', 'postalCode', 'address', 'city', 'message', 'district', 'locale', 'consent'] as const;
type ActionField = (typeof ACTION_FIELDS)[number];

/**
 * Which fields an entry's value goes into. The JSON route gets every value in every field. The
 * other routes share the same parsing and checks, so to keep the run short they get every field
 * only for the kinds that matter there (`everyField`), and otherwise three fields, rotating
 * through the corpus so that every field still sees many values of every kind.
 */
function fieldsFor(entry: HostileEntry, everyField: boolean): readonly ActionField[] {
  // A body over the 16 KB limit is refused before it is parsed: which field holds it does not matter.
  if (String(JSON.stringify(VALUES.get(entry))).length > 16 * 1024) return ['message'];
  if (everyField) return ACTION_FIELDS;
  const i = CORPUS.indexOf(entry);
  return [0, 3, 7].map((k) => ACTION_FIELDS[(i + k) % ACTION_FIELDS.length]);
}

/** Every string a value holds (to look for it, unescaped, in pages and emails). */
function stringsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object' && depth < 20) for (const v of Object.values(value)) stringsIn(v, out, depth + 1);
  return out;
}

/** Strings used as route params, query values and header values (up to 12 KB: Node refuses a longer request head). */
const PARAM_ENTRIES = CORPUS.filter((e) => (e.as === 'field' || e.as === 'param') && typeof VALUES.get(e) === 'string' && (VALUES.get(e) as string).length <= 12_000);

// ---------------------------------------------------------------------------------------------
// Bodies

const uniqueEmail = () => `hostile.${randomBytes(5).toString('hex')}@example.com`;
const validBody = (email = uniqueEmail()): Record<string, unknown> => ({ ...supporter({ email, postalCode: 'M5V 3L9' }) });

/**
 * Each stored action costs a transaction and two sent letters, so only values that can reach a
 * letter or a page (these kinds, in the fields a letter shows) get a fresh supporter each time.
 * The others share one supporter per route, kind and field: still parsed and checked in full,
 * then answered 200 as a repeat (one action per person), so the run stays short.
 */
const STORED_KINDS = new Set(['html', 'crlf', 'control', 'unicode', 'sql']);
const LETTER_FIELDS = new Set<string>(['firstName', 'lastName', 'email', 'address', 'city', 'message']);
const emailFor = (route: string, kind: string, field: string, stored: Set<string>) =>
  stored.has(kind) && LETTER_FIELDS.has(field) ? uniqueEmail() : `same.${route}.${kind}.${field}@example.com`.toLowerCase();

/** How each byte is percent-encoded: unreserved characters as they are, every other byte as %XX. */
const PCT_BYTES = Array.from({ length: 256 }, (_, b) =>
  /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
);
/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD, as any client would send them). */
const pct = (text: string): string => {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) out += PCT_BYTES[b];
  return out;
};

/** x-www-form-urlencoded, objects and arrays with brackets as qs reads them. */
function formEncode(value: unknown, prefix = '', depth = 0): string[] {
  // Deeper than any form parser reads (qs stops at 5): the rest goes as one long key.
  if (depth > 64) return [`${pct(prefix)}=${pct(JSON.stringify(value).slice(0, 1000))}`];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as object);
    if (entries.length === 0) return prefix ? [`${pct(prefix)}=`] : [];
    return entries.flatMap(([k, v]) => formEncode(v, prefix ? `${prefix}[${k}]` : k, depth + 1));
  }
  if (!prefix) return [pct(String(value))];
  return [`${pct(prefix)}=${value === null || value === undefined ? '' : pct(String(value))}`];
}
const formOf = (value: unknown): string => formEncode(value).join('&');
/** A form shown a minute ago, stamped with the operator's key as the service stamps its forms (each serves once). */
const FORM_SECRET = 'hostile-inputs-form-secret-0123456789abcdef';
function formStamp(): string {
  const payload = `${Date.now() - 60_000}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${createHmac('sha256', FORM_SECRET).update(payload).digest('base64url')}`;
}
const validForm = (omit: string[] = [], email = uniqueEmail()): Record<string, unknown> => {
  const body = validBody(email);
  for (const key of omit) delete body[key];
  return { ...body, consent: { updates: 'on' }, shownAt: formStamp() };
};
/** The top-level keys a urlencoded fragment sets. */
const formKeys = (fragment: string) => fragment.split('&').map((p) => decodeURIComponentSafe(p.split('=')[0]).split('[')[0]);
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface Attempt {
  label: string;
  contentType: string;
  body: Buffer;
  contentEncoding?: string;
  /** The hostile strings in it, looked for unescaped in HTML answers. */
  hostile: string[];
  /** The email sent, when the body is an object we built (to check Reply-To). */
  email?: string;
}

/** JSON attempts for the action and preview routes: each field value in each field, whole bodies, merges, raw bytes. */
function jsonAttempts(kind: string, route: string, everyField: boolean, stored: Set<string>): Attempt[] {
  const attempts: Attempt[] = [];
  const json = (label: string, body: unknown, hostile: unknown, email?: string): Attempt => ({
    label,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify(body) ?? 'null'),
    hostile: stringsIn(hostile),
    email,
  });
  for (const entry of ofKind(kind, 'field')) {
    const value = VALUES.get(entry);
    for (const field of fieldsFor(entry, everyField)) {
      const body = { ...validBody(emailFor(route, kind, field, stored)), [field]: value };
      attempts.push(json(`"${entry.name}" in ${field}`, body, value, typeof body.email === 'string' ? body.email : undefined));
    }
  }
  for (const entry of ofKind(kind, 'body')) attempts.push(json(`whole body "${entry.name}"`, VALUES.get(entry), VALUES.get(entry)));
  for (const entry of ofKind(kind, 'merge')) {
    const body = mergeInto(validBody(emailFor(route, kind, 'merge', stored)), entry);
    attempts.push(json(`merged "${entry.name}"`, body, VALUES.get(entry), typeof body.email === 'string' ? body.email : undefined));
  }
  return [...attempts, ...rawAttempts(kind)];
}

function mergeInto(body: Record<string, unknown>, entry: HostileEntry): Record<string, unknown> {
  const value = VALUES.get(entry);
  if (entry.mergeKey === 'consent') return { ...body, consent: value };
  if (entry.mergeKey === 'consent.updates') return { ...body, consent: { updates: value } };
  // Spread copies own keys as own keys: a "__proto__" key stays a key, as JSON.parse made it.
  return { ...body, ...(value as object) };
}

function rawAttempts(kind: string): Attempt[] {
  return ofKind(kind, 'raw').map((entry) => ({
    label: `raw bytes "${entry.name}" (${entry.contentType || 'no content type'})`,
    contentType: entry.contentType ?? '',
    contentEncoding: entry.contentEncoding,
    body: Buffer.from(entry.raw ?? '', 'base64'),
    hostile: [],
  }));
}

/** Form attempts for the form-encoded API and the no-JavaScript form. */
function formAttempts(kind: string, route: string, everyField: boolean, stored: Set<string>): Attempt[] {
  const attempts: Attempt[] = [];
  const form = (label: string, text: string, hostile: unknown, email?: string): Attempt => ({
    label,
    contentType: 'application/x-www-form-urlencoded',
    body: Buffer.from(text),
    hostile: stringsIn(hostile),
    email,
  });
  for (const entry of ofKind(kind, 'field')) {
    const value = VALUES.get(entry);
    for (const field of fieldsFor(entry, everyField)) {
      const body = { ...validForm([], emailFor(route, kind, field, stored)), [field]: value };
      attempts.push(form(`"${entry.name}" in ${field}`, formOf(body), value, typeof body.email === 'string' ? body.email : undefined));
    }
  }
  for (const entry of ofKind(kind, 'body')) attempts.push(form(`whole body "${entry.name}"`, formOf(VALUES.get(entry)), VALUES.get(entry)));
  for (const entry of ofKind(kind, 'merge')) {
    const body = mergeInto(validForm([], emailFor(route, kind, 'merge', stored)), entry);
    attempts.push(form(`merged "${entry.name}"`, formOf(body), VALUES.get(entry), typeof body.email === 'string' ? body.email : undefined));
  }
  for (const entry of ofKind(kind, 'form')) {
    const fragment = String(VALUES.get(entry));
    const base = validForm(formKeys(fragment), emailFor(route, kind, 'form', stored));
    attempts.push(form(`form fragment "${entry.name}"`, `${formOf(base)}&${fragment}`, decodeURIComponentSafe(fragment), base.email as string));
  }
  return [...attempts, ...rawAttempts(kind)];
}

// ---------------------------------------------------------------------------------------------
// HTTP through a real socket, exactly the bytes given

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

let service: TestService;
let server: http.Server;
let port: number;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const ADMIN_TOKEN = 'hostile-test-token';

/** Characters Node refuses in a request path are sent percent-encoded; everything else as given. */
const rawPath = (text: string): string => [...text].map((c) => (/^[\x21-\x7e]$/.test(c) && c !== '#' ? c : pct(c))).join('');
const headerSafe = (text: string) => /^[\t\x20-\x7e]*$/.test(text) && text.length < 4000;

function hit(method: string, urlPath: string, options: { headers?: Record<string, string>; body?: Buffer } = {}, retried = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body) headers['Content-Length'] = options.body.length;
    // A body over the limit is refused before it is read, and the connection closed: do not share it.
    const big = (options.body?.length ?? 0) > 16 * 1024;
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: big ? false : agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server had just closed: the request never reached it (Node's documented retry).
      if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) hit(method, urlPath, options, true).then(resolve, reject);
      else reject(error);
    });
    req.end(options.body);
  });
}

/** Node's HTTP parser refuses a request head over 16 KB (431) before the app sees it: not the app's answer. */
const NODE_HEAD_LIMIT = 16 * 1024;
const refusedByNode = (res: Answer, urlPath: string, headers: Record<string, string> = {}) =>
  res.status === 431 && urlPath.length + Object.values(headers).join('').length > NODE_HEAD_LIMIT - 1024;

async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// What every answer must look like

const SNAKE = /^[a-z]+(_[a-z]+)*$/;
const LEAKS = /\n\s+at |\bat \S+ \((?:\/|node:|file:|<anonymous>)|\.ts:\d|\.js:\d|node_modules|stack|SELECT |INSERT |UPDATE |syntax error|violates|duplicate key|relation "|column "|invalid byte sequence|invalid input syntax|out of range|pg_|ECONN|TypeError|ReferenceError|RangeError|Cannot read/i;

/** Problems with an answer of /api/* or /webhooks/*: 5xx, or an error not in the contract's shape. */
function apiProblems(res: Answer): string[] {
  const problems: string[] = [];
  if (res.status >= 500 || res.status < 200) problems.push(`status ${res.status}`);
  if (res.status < 400) return problems;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [...problems, `error body is not JSON (${String(res.headers['content-type'])}): ${res.text.slice(0, 200)}`];
  }
  if (!String(res.headers['content-type']).startsWith('application/json')) problems.push(`error content-type ${String(res.headers['content-type'])}`);
  const outer = body as Record<string, unknown>;
  if (!outer || typeof outer !== 'object' || Array.isArray(outer) || Object.keys(outer).join() !== 'error') {
    return [...problems, `error body is not {error}: ${res.text.slice(0, 200)}`];
  }
  const error = outer.error as Record<string, unknown>;
  if (!error || typeof error !== 'object' || Array.isArray(error)) return [...problems, `error is not an object: ${res.text.slice(0, 200)}`];
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'fields', 'choices'].includes(k));
  if (extra.length > 0) problems.push(`error has extra keys ${extra.join(',')}`);
  if (typeof error.code !== 'string' || !SNAKE.test(error.code)) problems.push(`error.code ${JSON.stringify(error.code)} is not snake_case`);
  if (typeof error.message !== 'string' || error.message.length === 0) problems.push('error.message is not a sentence');
  if ('fields' in error) {
    const fields = error.fields;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields) || Object.values(fields).some((m) => typeof m !== 'string')) {
      problems.push(`error.fields is not an object of messages: ${JSON.stringify(fields)}`);
    }
  }
  if ('choices' in error && !Array.isArray(error.choices)) problems.push('error.choices is not an array');
  if (LEAKS.test(res.text)) problems.push(`error leaks internals: ${res.text.slice(0, 300)}`);
  return problems;
}

const ALLOWED_SCRIPT = /^<script\b[^>]*\bsrc="\/assets\/app\.js"[^>]*><\/script>$/;
const PAGE_DATA = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/g;

/** Problems with an HTML page: 5xx, a script or inline handler that is not the page's own, hostile markup unescaped. */
function pageProblems(res: Answer, hostile: string[]): string[] {
  const problems: string[] = [];
  if (res.status >= 500 || res.status < 200) problems.push(`status ${res.status}`);
  if (res.status >= 300 && res.status < 400) return problems; // a redirect: its target is checked by the caller
  if (!String(res.headers['content-type']).startsWith('text/html')) {
    problems.push(`content-type ${String(res.headers['content-type'])}`);
    return problems;
  }
  const html = res.text;
  for (const match of html.matchAll(PAGE_DATA)) {
    if (match[1].includes('<')) problems.push('the #page-data JSON holds a raw "<"');
  }
  const outside = html.replace(PAGE_DATA, '');
  for (const tag of outside.match(/<script\b[^>]*>(?:[\s\S]*?<\/script>)?/gi) ?? []) {
    if (!ALLOWED_SCRIPT.test(tag)) problems.push(`unexpected script: ${tag.slice(0, 120)}`);
  }
  for (const tag of outside.match(/<[a-zA-Z][^<>]*>/g) ?? []) {
    if (/\son[a-z]+\s*=/i.test(tag)) problems.push(`inline handler in ${tag.slice(0, 160)}`);
    if (/\b(href|src|action|formaction|data)\s*=\s*["']?\s*(javascript:|data:text)/i.test(tag)) problems.push(`script URL in ${tag.slice(0, 160)}`);
  }
  for (const tag of outside.match(/<(svg|img|iframe|object|embed|base|meta|style|math|template|form action="j)\b[^>]*>/gi) ?? []) {
    if (!/^<(svg class="chart"|meta charset="utf-8">|meta name="viewport"|img src="https:\/\/www\.ourcommons\.ca\/)/.test(tag)) problems.push(`hostile element ${tag.slice(0, 120)}`);
  }
  for (const text of hostile) {
    if (/[<>]/.test(text) && text.length < 5000 && html.includes(text)) problems.push(`unescaped input ${JSON.stringify(text.slice(0, 80))}`);
  }
  return problems;
}

/** One list of failures per test: which input broke which route, all of them at once. */
class Failures {
  readonly list: string[] = [];
  add(route: string, label: string, problems: string[], res?: Answer) {
    if (problems.length === 0) return;
    const body = res ? ` ← ${res.status} ${res.text.replace(/\s+/g, ' ').slice(0, 160)}` : '';
    this.list.push(`${route} with ${label}: ${problems.join('; ')}${body}`);
  }
  async guard(route: string, label: string, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      this.list.push(`${route} with ${label}: request failed: ${(error as Error).message}`);
    }
  }
  check() {
    const shown = this.list.length > 40 ? [...this.list.slice(0, 40), `… and ${this.list.length - 40} more`] : this.list;
    expect(shown).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------
// Actions the corpus got accepted, for the email checks

interface AcceptedAction {
  label: string;
  id: string;
  letterIds: string[];
  token: string;
  /** The address sent, as the service stores it (for actions whose supporter the erasure test removed). */
  email?: string;
}
const acceptedActions: AcceptedAction[] = [];
let validActionId = '';
const seenPageActions = new Set<string>();
let validActionToken = '';

/** An accepted submission's stored action, found by its email (the answer carries no id). */
async function noteAccepted(label: string, res: Answer, email: string | undefined): Promise<AcceptedAction | null> {
  if (res.status !== 202 && res.status !== 200) return null;
  if (!email) return null;
  const action = await service.actionOf(email);
  const accepted = { label, id: action.id, token: action.token, letterIds: action.letterIds, email: email.trim().toLowerCase() };
  acceptedActions.push(accepted);
  return accepted;
}

beforeAll(async () => {
  service = await startTestService({
    env: { SUBMIT_RATE_PER_IP_PER_MIN: '1000000', SUBMIT_RATE_PER_EMAIL_PER_HOUR: '1000000', ADMIN_TOKEN, FORM_MIN_MS: '0', FORM_SECRET },
  });
  server = http.createServer(service.app);
  // Idle kept-alive sockets stay open for the whole file: with Node's 5 s default, a pause of the
  // machine closed all eight pooled sockets at once, and a retried request met another closed one.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // One ordinary action: its id lets hostile tokens reach the token check.
  const valid = validBody();
  const res = await hit('POST', '/api/campaigns/xinjiang/actions', {
    headers: { 'Content-Type': 'application/json' },
    body: Buffer.from(JSON.stringify(valid)),
  });
  expect(res.status).toBe(202);
  const action = await service.actionOf(valid.email as string);
  validActionId = action.id;
  validActionToken = action.token;
}, 60_000);

afterAll(async () => {
  agent.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await service?.close();
});

const CONCURRENCY = 12;
const send = (method: string, urlPath: string, attempt: Attempt, extraHeaders: Record<string, string> = {}) =>
  hit(method, urlPath, {
    headers: {
      ...(attempt.contentType ? { 'Content-Type': attempt.contentType } : {}),
      ...(attempt.contentEncoding ? { 'Content-Encoding': attempt.contentEncoding } : {}),
      ...extraHeaders,
    },
    body: attempt.body,
  });

// ---------------------------------------------------------------------------------------------
// The routes

describe('POST /api/campaigns/xinjiang/actions', () => {
  it.each(KINDS)('JSON: %s inputs get a 2xx or a contract 4xx, never a 5xx', async (kind) => {
    const failures = new Failures();
    await inBatches(jsonAttempts(kind, 'json', true, STORED_KINDS), CONCURRENCY, (attempt) =>
      failures.guard('POST /api/campaigns/xinjiang/actions (JSON)', attempt.label, async () => {
        const res = await send('POST', '/api/campaigns/xinjiang/actions', attempt);
        failures.add('POST /api/campaigns/xinjiang/actions (JSON)', attempt.label, apiProblems(res), res);
        await noteAccepted(`JSON ${attempt.label}`, res, attempt.email);
      }),
    );
    failures.check();
  });

  it.each(KINDS)('form-encoded: %s inputs get a 2xx or a contract 4xx, never a 5xx', async (kind) => {
    const failures = new Failures();
    await inBatches(formAttempts(kind, 'form', ['html', 'crlf', 'control'].includes(kind), new Set(['crlf'])), CONCURRENCY, (attempt) =>
      failures.guard('POST /api/campaigns/xinjiang/actions (form)', attempt.label, async () => {
        const res = await send('POST', '/api/campaigns/xinjiang/actions', attempt);
        failures.add('POST /api/campaigns/xinjiang/actions (form)', attempt.label, apiProblems(res), res);
        await noteAccepted(`form ${attempt.label}`, res, attempt.email);
      }),
    );
    failures.check();
  });
});

describe('POST /api/campaigns/xinjiang/preview', () => {
  it.each(KINDS)('%s inputs get a 2xx or a contract 4xx, and previewed subjects stay on one line', async (kind) => {
    const failures = new Failures();
    await inBatches(jsonAttempts(kind, 'preview', kind === 'html', STORED_KINDS), CONCURRENCY, (attempt) =>
      failures.guard('POST /api/campaigns/xinjiang/preview', attempt.label, async () => {
        const res = await send('POST', '/api/campaigns/xinjiang/preview', attempt);
        const problems = apiProblems(res);
        if (res.status === 200) {
          const { letters } = JSON.parse(res.text) as { letters: Array<{ subject?: string | null }> };
          for (const letter of letters) {
            if (typeof letter.subject === 'string' && /[\r\n]/.test(letter.subject)) problems.push('preview subject holds a line break');
          }
        }
        failures.add('POST /api/campaigns/xinjiang/preview', attempt.label, problems, res);
      }),
    );
    failures.check();
  });
});

describe('POST /campaigns/xinjiang (the no-JavaScript form)', () => {
  it.each(KINDS)('%s inputs get the form again or the thank-you redirect, never a 5xx or live markup', async (kind) => {
    const failures = new Failures();
    await inBatches(formAttempts(kind, 'page', kind === 'html', new Set(['html'])), CONCURRENCY, (attempt) =>
      failures.guard('POST /campaigns/xinjiang', attempt.label, async () => {
        const res = await send('POST', '/campaigns/xinjiang', attempt);
        failures.add('POST /campaigns/xinjiang', attempt.label, pageProblems(res, attempt.hostile), res);
        // The thank-you page is the answer itself; the action's status page (its link goes by email) is checked too.
        if (res.status === 200) {
          if (res.headers.location) return failures.add('POST /campaigns/xinjiang', attempt.label, [`redirect ${String(res.headers.location)}`]);
          const accepted = await noteAccepted(`no-JS form ${attempt.label}`, res, attempt.email);
          // A repeat (same supporter) is an action already seen: its pages were checked then.
          if (!accepted || seenPageActions.has(accepted.id)) return;
          seenPageActions.add(accepted.id);
          const path = `/actions/${accepted.id}?token=${encodeURIComponent(accepted.token)}`;
          const status = await hit('GET', `${path}&new=1`);
          failures.add(`GET /actions/${accepted.id} (status page)`, attempt.label, pageProblems(status, attempt.hostile), status);
        }
      }),
    );
    failures.check();
  });
});

describe('GET routes with hostile params and query strings', () => {
  /**
   * Each hostile string percent-encoded (arrives as typed) and, when it holds characters a URL
   * gives a meaning to (`%`, `/`, `?`, `#`, `.`, `\`, `;`, `&`, `=`, `+`), raw (arrives as URL text).
   */
  const forms = (value: string) => [
    { how: 'encoded', text: pct(value) },
    ...(/[%/?#.\\;&=+]/.test(value) ? [{ how: 'raw', text: rawPath(value) }] : []),
  ];

  it.each(KINDS)('%s values in /api and page routes get a 2xx or a contract 4xx', async (kind) => {
    const failures = new Failures();
    const entries = PARAM_ENTRIES.filter((e) => e.kind === kind);
    const jobs: Array<{ route: string; label: string; url: string; page: boolean; hostile: string[]; headers?: Record<string, string>; method?: string }> = [];
    for (const entry of entries) {
      const value = VALUES.get(entry) as string;
      const label = `"${entry.name}"`;
      for (const { how, text } of forms(value)) {
        const l = `${label} (${how})`;
        jobs.push({ route: 'GET /api/campaigns/:slug', label: l, url: `/api/campaigns/${text}`, page: false, hostile: [value] });
        jobs.push({ route: 'GET /api/campaigns/:slug/representatives', label: l, url: `/api/campaigns/${text}/representatives?postalCode=M5V3L9`, page: false, hostile: [value] });
        jobs.push({ route: 'GET /api/campaigns/xinjiang/representatives?postalCode=', label: l, url: `/api/campaigns/xinjiang/representatives?postalCode=${text}`, page: false, hostile: [value] });
        jobs.push({ route: 'GET /api/campaigns/xinjiang?lang=', label: l, url: `/api/campaigns/xinjiang?lang=${text}`, page: false, hostile: [value] });
        jobs.push({ route: 'GET /api/actions/:id', label: l, url: `/api/actions/${text}?token=${encodeURIComponent(validActionToken)}`, page: false, hostile: [value] });
        jobs.push({ route: 'GET /api/actions/<valid id>?token=', label: l, url: `/api/actions/${validActionId}?token=${text}`, page: false, hostile: [value] });
        jobs.push({ route: 'GET /campaigns/:slug (page)', label: l, url: `/campaigns/${text}`, page: true, hostile: [value] });
        jobs.push({ route: 'GET /campaigns/xinjiang?lang= (page)', label: l, url: `/campaigns/xinjiang?lang=${text}&x=${text}`, page: true, hostile: [value] });
        jobs.push({ route: 'GET /actions/:id (page)', label: l, url: `/actions/${text}?token=${text}&lang=${text}`, page: true, hostile: [value] });
        jobs.push({ route: 'GET /actions/<valid id>?token= (page)', label: l, url: `/actions/${validActionId}?token=${text}&new=1`, page: true, hostile: [value] });
        jobs.push({ route: 'GET /confirm/:token (page)', label: l, url: `/confirm/${text}?lang=${text}`, page: true, hostile: [value] });
        jobs.push({ route: 'POST /confirm/:token (page)', label: l, url: `/confirm/${text}?lang=${text}`, page: true, hostile: [value], method: 'POST' });
      }
      // Repeated query keys arrive as arrays.
      jobs.push({ route: 'GET /api/campaigns/xinjiang/representatives?postalCode[]', label, url: `/api/campaigns/xinjiang/representatives?postalCode=${pct(value)}&postalCode=M5V3L9`, page: false, hostile: [value] });
      jobs.push({ route: 'GET /api/actions/<valid id>?token[]', label, url: `/api/actions/${validActionId}?token=${pct(value)}&token=${encodeURIComponent(validActionToken)}`, page: false, hostile: [value] });
      if (headerSafe(value)) {
        jobs.push({ route: 'GET /api/campaigns/xinjiang (Accept-Language)', label, url: '/api/campaigns/nope', page: false, hostile: [value], headers: { 'Accept-Language': value } });
        jobs.push({ route: 'GET /campaigns/xinjiang (Accept-Language)', label, url: '/campaigns/xinjiang', page: true, hostile: [value], headers: { 'Accept-Language': value } });
      }
    }
    await inBatches(jobs, CONCURRENCY, (job) =>
      failures.guard(job.route, job.label, async () => {
        const res =
          job.method === 'POST'
            ? await hit('POST', job.url, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.alloc(0) })
            : await hit('GET', job.url, { headers: job.headers });
        if (refusedByNode(res, job.url, job.headers)) return;
        failures.add(job.route, job.label, job.page ? pageProblems(res, job.hostile) : apiProblems(res), res);
      }),
    );
    failures.check();
  });
});

describe('POST /webhooks/sendgrid without a valid signature', () => {
  it.each(KINDS)('%s bodies are refused with 401 invalid_signature', async (kind) => {
    const failures = new Failures();
    const attempts: Attempt[] = [...jsonAttempts(kind, 'webhook', false, new Set()).filter((_, i) => i % 3 === 0), ...rawAttempts(kind)];
    for (const entry of CORPUS.filter((e) => e.kind === kind && e.as !== 'raw')) {
      const value = VALUES.get(entry);
      attempts.push({
        label: `event "${entry.name}"`,
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify([{ event: value, letter_id: value, sg_event_id: value, timestamp: value, email: value }])),
        hostile: [],
      });
    }
    const signatures = PARAM_ENTRIES.filter((e) => e.kind === kind && headerSafe(VALUES.get(e) as string)).map((e) => VALUES.get(e) as string);
    await inBatches(attempts, CONCURRENCY, (attempt) =>
      failures.guard('POST /webhooks/sendgrid', attempt.label, async () => {
        const i = attempts.indexOf(attempt);
        const forged = signatures.length > 0 ? signatures[i % signatures.length] : 'MEUCIQ==';
        for (const headers of [{} as Record<string, string>, { 'X-Twilio-Email-Event-Webhook-Signature': forged, 'X-Twilio-Email-Event-Webhook-Timestamp': forged }]) {
          const res = await send('POST', '/webhooks/sendgrid', attempt, headers);
          const problems = apiProblems(res);
          if (res.status !== 401) problems.push(`status ${res.status}, not 401`);
          else if (!res.text.includes('"invalid_signature"')) problems.push('not invalid_signature');
          failures.add('POST /webhooks/sendgrid', `${attempt.label}${Object.keys(headers).length ? ' (forged signature)' : ''}`, problems, res);
        }
      }),
    );
    failures.check();
  });
});

describe('campaigner API with a valid token and hostile params', () => {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'X-Admin-Name': 'Hostile test' };

  it.each(KINDS)('%s values in letters filters, cursors, ids and erasure get a 2xx or a contract 4xx', async (kind) => {
    const failures = new Failures();
    const jobs: Array<{ route: string; label: string; method: string; url: string; headers?: Record<string, string> }> = [];
    for (const entry of PARAM_ENTRIES.filter((e) => e.kind === kind)) {
      const value = VALUES.get(entry) as string;
      const label = `"${entry.name}"`;
      const enc = pct(value);
      const b64 = Buffer.from(value).toString('base64url');
      for (const name of ['status', 'cursor', 'from', 'to', 'limit', 'target', 'district']) {
        jobs.push({ route: `GET /api/admin/campaigns/xinjiang/letters?${name}=`, label, method: 'GET', url: `/api/admin/campaigns/xinjiang/letters?${name}=${enc}` });
      }
      jobs.push({ route: 'GET /api/admin/campaigns/xinjiang/letters?cursor=<base64 of it>', label, method: 'GET', url: `/api/admin/campaigns/xinjiang/letters?cursor=${b64}` });
      jobs.push({ route: 'GET /api/admin/campaigns/xinjiang/letters?cursor=<micros|it>', label, method: 'GET', url: `/api/admin/campaigns/xinjiang/letters?cursor=${Buffer.from(`999999999999999999|${value}`).toString('base64url')}` });
      jobs.push({ route: 'GET /api/admin/campaigns/:slug/letters', label, method: 'GET', url: `/api/admin/campaigns/${enc}/letters?status=${enc}&from=${enc}&cursor=${enc}` });
      jobs.push({ route: 'GET /api/admin/campaigns/:slug/stats', label, method: 'GET', url: `/api/admin/campaigns/${rawPath(value)}/stats` });
      jobs.push({ route: 'GET /api/admin/letters/:id', label, method: 'GET', url: `/api/admin/letters/${enc}` });
      jobs.push({ route: 'POST /api/admin/letters/:id/retry', label, method: 'POST', url: `/api/admin/letters/${enc}/retry` });
      jobs.push({ route: 'DELETE /api/admin/supporters/:email', label, method: 'DELETE', url: `/api/admin/supporters/${enc}` });
      jobs.push({ route: 'DELETE /api/admin/supporters/:email (raw)', label, method: 'DELETE', url: `/api/admin/supporters/${rawPath(value)}` });
      jobs.push({ route: 'DELETE /api/admin/supporters/<it>@example.com', label, method: 'DELETE', url: `/api/admin/supporters/${enc}%40example.com` });
      if (headerSafe(value)) {
        jobs.push({ route: 'GET /api/admin/campaigns/xinjiang/stats (X-Admin-Name)', label, method: 'GET', url: '/api/admin/campaigns/xinjiang/stats', headers: { 'X-Admin-Name': value } });
        jobs.push({ route: 'GET /api/admin/campaigns/xinjiang/stats (Authorization)', label, method: 'GET', url: '/api/admin/campaigns/xinjiang/stats', headers: { Authorization: `Bearer ${value}` } });
      }
    }
    await inBatches(jobs, CONCURRENCY, (job) =>
      failures.guard(job.route, job.label, async () => {
        const res = await hit(job.method, job.url, { headers: { ...auth, ...job.headers } });
        if (refusedByNode(res, job.url, job.headers)) return;
        failures.add(job.route, job.label, apiProblems(res), res);
      }),
    );
    failures.check();
  });
});

// ---------------------------------------------------------------------------------------------
// What the accepted hostile actions sent

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const MAIL_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'body', 'p', 'br']);

/** An email's (or preview's) HTML: only the letter's own tags, nothing from the input. */
function mailHtmlProblems(html: string): string[] {
  const problems: string[] = [];
  for (const match of html.matchAll(/<\/?([!a-zA-Z][\w-]*)/g)) {
    if (!MAIL_TAGS.has(match[1].toLowerCase())) problems.push(`html holds a <${match[1]}> tag`);
  }
  if (/<script/i.test(html)) problems.push('html holds <script');
  for (const tag of html.match(/<[^<>]*>/g) ?? []) if (/on[a-z]+\s*=/i.test(tag)) problems.push(`handler in ${tag.slice(0, 100)}`);
  return [...new Set(problems)];
}

describe('letters of accepted hostile actions', () => {
  it('were all sent: one recipient, the MP or the minister; Reply-To the supporter; no cc, bcc, headers or markup', async () => {
    expect(acceptedActions.length).toBeGreaterThan(100);
    // Every letter in the database (every action the corpus got in, whatever the route) reaches a
    // final state; hostile text must not make SendGrid refuse a letter.
    const labelOf = new Map(acceptedActions.flatMap((a) => a.letterIds.map((id) => [id, a.label] as const)));
    type State = { id: string; status: string; status_reason: string | null };
    const unsettled = (s: State) => ['queued', 'sending', 'awaiting_lookup'].includes(s.status);
    const states = await eventually(
      async () => (await service.deps.db.query<State>('SELECT id, status, status_reason FROM letters')).rows,
      (rows) => !rows.some(unsettled),
      {
        timeoutMs: 45_000,
        intervalMs: 250,
        what: 'every letter to reach a final state',
        describe: (rows) => rows.filter(unsettled).slice(0, 40).map((s) => `${labelOf.get(s.id) ?? 'letter'} ${s.id}: ${s.status}`).join('; '),
      },
    );
    const letterIds = states.map((s) => s.id);
    expect(states.filter((s) => s.status !== 'accepted').map((s) => `${labelOf.get(s.id) ?? 'letter'} ${s.id}: ${s.status} ${s.status_reason ?? ''}`).slice(0, 40)).toEqual([]);

    // What each letter should carry, from the database the sender read.
    // (The erasure test above may have removed some supporters: their address comes from what was sent.)
    const { rows } = await service.deps.db.query<{ id: string; recipient_email: string; supporter_email: string | null; first_name: string | null; last_name: string | null }>(
      `SELECT l.id, l.recipient_email, s.email AS supporter_email, s.first_name, s.last_name
         FROM letters l JOIN actions a ON a.id = l.action_id LEFT JOIN supporters s ON s.id = a.supporter_id`,
    );
    const expected = new Map(rows.map((r) => [r.id, r]));
    const sentEmail = new Map(acceptedActions.flatMap((a) => a.letterIds.map((id) => [id, a.email] as const)));
    const fixedTargets = service.deps.campaigns.catalog
      .get('xinjiang')
      .targets.flatMap((t) => (t.kind === 'fixed' && t.email ? [t.email.toLowerCase()] : []));
    const supplied = new Set([...rows.map((r) => r.supporter_email?.toLowerCase()), ...acceptedActions.map((a) => a.email)].filter(Boolean));

    const mails: SentMail[] = service.sendgrid.accepted();
    expect(mails.length).toBeGreaterThan(500);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const mail of mails) {
      const b = mail.body;
      const letterId = (b.custom_args ?? b.personalizations?.[0]?.custom_args)?.letter_id ?? '?';
      const label = `${labelOf.get(letterId) ?? 'a hostile action'} (letter ${letterId})`;
      const row = expected.get(letterId);
      const bad = (what: string) => problems.push(`${label}: ${what}`);
      if (!row) {
        bad('custom_args.letter_id names no letter');
        continue;
      }
      if (seen.has(letterId)) bad('sent twice');
      seen.add(letterId);
      if (b.personalizations.length !== 1) bad(`${b.personalizations.length} personalizations`);
      const p = b.personalizations[0];
      if (p.to.length !== 1) bad(`${p.to.length} recipients in to`);
      const to = p.to[0]?.email.toLowerCase();
      if (to !== row.recipient_email.toLowerCase()) bad(`to ${to}, not the letter's recipient ${row.recipient_email}`);
      if (!(fixedTargets.includes(to) || /@parl\.gc\.ca$/.test(to))) bad(`to ${to} is neither an MP nor the minister`);
      if (supplied.has(to)) bad(`to ${to} is a supporter-supplied address`);
      if (p.cc !== undefined || p.bcc !== undefined || 'cc' in b || 'bcc' in b) bad('cc or bcc present');
      if ('headers' in b || 'headers' in p) bad(`headers present: ${JSON.stringify(b.headers ?? p.headers)}`);
      const keysOfP = Object.keys(p).filter((k) => !['to', 'custom_args', 'subject'].includes(k));
      if (keysOfP.length > 0) bad(`personalization has ${keysOfP.join(',')}`);
      const replyTo = row.supporter_email ?? sentEmail.get(letterId);
      if (!replyTo) bad('the supporter was erased and the address sent is unknown');
      else if (b.reply_to?.email !== replyTo) bad(`reply_to ${JSON.stringify(b.reply_to)} is not ${replyTo}`);
      if (/[\r\n]/.test(b.reply_to?.name ?? '') || /[\r\n]/.test(p.to[0]?.name ?? '') || /[\r\n]/.test(b.from.name ?? '')) bad('a display name holds a line break');
      // Our address (DMARC), and a name saying who wrote it through the organisation.
      if (b.from.email !== 'letters@example.org') bad(`from ${JSON.stringify(b.from)} is not MAIL_FROM's address`);
      if (!/ via (Example Human Rights Organisation|Organisation exemple de défense des droits de la personne)$/.test(b.from.name ?? '')) bad(`from name ${JSON.stringify(b.from.name)} is not "<supporter> via <organisation>"`);
      const subject = b.subject ?? p.subject ?? '';
      if (/[\r\n]/.test(subject)) bad(`subject holds a line break: ${JSON.stringify(subject)}`);
      const args = [b.custom_args, p.custom_args].filter((a) => a !== undefined);
      if (args.length !== 1 || JSON.stringify(args[0]) !== JSON.stringify({ letter_id: letterId })) bad(`custom_args ${JSON.stringify(args)}`);
      const html = b.content?.find((c) => c.type === 'text/html')?.value ?? '';
      if (!html) bad('no text/html content');
      for (const problem of mailHtmlProblems(html)) bad(problem);
      // The supporter's own name, as stored, shows escaped in the HTML.
      for (const name of [row.first_name ?? '', row.last_name ?? '']) {
        if (/[<>]/.test(name) && !/[\r\n\u2028\u2029\u0085]/.test(name) && !html.includes(escapeHtml(name))) bad(`name ${JSON.stringify(name)} not escaped in the html`);
      }
    }
    const unsent = letterIds.filter((id) => !seen.has(id));
    if (unsent.length > 0) problems.push(`${unsent.length} letters never reached SendGrid, e.g. ${labelOf.get(unsent[0]) ?? unsent[0]}`);
    expect(problems.slice(0, 40)).toEqual([]);
  }, 60_000);

  it('left Object.prototype unpolluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('left the service healthy', async () => {
    const res = await hit('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ ok: true });
  });
});
