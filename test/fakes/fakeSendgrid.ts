// A local stand-in for SendGrid v3 Mail Send, for the real @sendgrid/mail client to talk to
// (client.setApiKey first, then client.setDefaultRequest('baseUrl', fake.url)).
// It validates like SendGrid (reference bullmq-sendgrid-law.md §2.1–2.2), so a bad payload fails
// here as it would in production, and tests can script 429/5xx/hang answers to exercise retries.
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MailAddress { email: string; name?: string }
export interface MailContent { type: string; value: string }
export interface MailPersonalization {
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject?: string;
  custom_args?: Record<string, string>;
  [key: string]: unknown;
}
/** The accepted (already validated) request body, snake_case as on the wire. */
export interface MailSendBody {
  personalizations: MailPersonalization[];
  from: MailAddress;
  reply_to?: MailAddress;
  subject?: string;
  content?: MailContent[];
  template_id?: string;
  custom_args?: Record<string, string>;
  [key: string]: unknown;
}

export interface SentMail { body: MailSendBody; headers: http.IncomingHttpHeaders; messageId: string; at: number }
export type ScriptedStatus = 202 | 400 | 403 | 413 | 429 | 500 | 503 | 'hang';
export type DefaultStatus = 202 | 400 | 429 | 500 | 'hang';

export interface FakeSendgrid {
  url: string;
  apiKey: string;
  accepted(): SentMail[];
  /** The mails set apart (FakeSendgridOptions.setAside), accepted, in order. */
  supporterMail(): SentMail[];
  requestCount(): number;
  script(...statuses: ScriptedStatus[]): void;
  setDefault(status: DefaultStatus): void;
  /** Answer every request this many milliseconds late (SendGrid's own latency; 0 by default). */
  setDelay(ms: number): void;
  /** Every letter_id received, in order, whatever the answer (to count duplicates). */
  receivedLetterIds(): string[];
  /** The same, with when each request arrived (ms since the epoch). */
  receivedLetters(): Array<{ letterId: string; at: number }>;
  /** Answer 401 to every request, as SendGrid does for a revoked key, until `restoreKey`. */
  revokeKey(): void;
  restoreKey(): void;
  /** When each letter was refused with 401 while the key was revoked (ms since the epoch). */
  refusedAt(): number[];
  /** The headers of every 429 from now on (default: SendGrid's X-RateLimit-* with a reset a second away). */
  setThrottleHeaders(headers: Record<string, string> | null): void;
  onAccepted(): Promise<SentMail>;
  waitForAccepted(n: number, timeoutMs?: number): Promise<SentMail[]>;
  reset(): void;
  close(): Promise<void>;
}

interface ApiError { message: string; field: string | null; help: null }

const API_KEY = 'SG.test-key';
const MAX_BYTES = 30 * 1024 * 1024; // "Total email size must be < 30 MB"
const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

const err = (message: string, field: string | null = null): ApiError => ({ message, field, help: null });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasEmail = (v: unknown): boolean => isObject(v) && typeof v.email === 'string' && EMAIL.test(v.email);

/** Returns the first problem SendGrid would report, or null when the body is acceptable. */
export function validateMailSend(body: Record<string, unknown>): ApiError | null {
  if (!Array.isArray(body.personalizations) || body.personalizations.length === 0) {
    return err('The personalizations field is required and must have at least one personalization.', 'personalizations');
  }
  const ps = body.personalizations as unknown[];
  if (ps.length > 1000) return err('The personalizations field is limited to 1000 personalizations per request.', 'personalizations');
  for (const [i, p] of ps.entries()) {
    if (!isObject(p) || !Array.isArray(p.to) || (p.to as unknown[]).length === 0) {
      return err('The to array is required for all personalization objects, and must have at least one email object with a valid email address.', `personalizations.${i}.to`);
    }
    const seen = new Set<string>();
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      const list = p[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return err(`The ${kind} field must be an array.`, `personalizations.${i}.${kind}`);
      for (const [j, a] of (list as unknown[]).entries()) {
        if (!hasEmail(a)) return err(`The ${kind} email does not contain a valid address.`, `personalizations.${i}.${kind}.${j}.email`);
        const email = String((a as MailAddress).email).toLowerCase();
        // Real API: the same address twice across to/cc/bcc of one personalization is refused.
        if (seen.has(email)) {
          return err('Each unique email address in the personalizations array should only be included once.', `personalizations.${i}.${kind}.${j}.email`);
        }
        seen.add(email);
      }
    }
  }
  const checked = ps as MailPersonalization[]; // shape verified above
  if (!hasEmail(body.from)) {
    return err('The from object must be provided for every email send. It is an object that requires an email parameter.', 'from.email');
  }
  // Subject may come from the top level, every personalization, or a template.
  const subjectOk = (s: unknown) => typeof s === 'string' && s.length > 0;
  if (!subjectOk(body.subject) && body.template_id === undefined && !checked.every((p) => subjectOk(p.subject))) {
    return err('The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.', 'subject');
  }
  const contentError = checkContent(body.content, body.template_id !== undefined);
  if (contentError) return contentError;
  for (const args of [body.custom_args, ...checked.map((p) => p.custom_args as unknown)]) {
    if (args !== undefined && (!isObject(args) || Object.values(args).some((v) => typeof v !== 'string'))) {
      return err('Custom args values must be strings.', 'custom_args');
    }
  }
  if (body.reply_to !== undefined && !hasEmail(body.reply_to)) {
    return err('The reply_to email does not contain a valid address.', 'reply_to.email');
  }
  for (const [i, p] of checked.entries()) {
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      for (const [j, a] of (p[kind] ?? []).entries()) {
        if (typeof a.name === 'string' && /[;,]/.test(a.name)) {
          return err(`The ${kind}.name field cannot contain ';' or ','.`, `personalizations.${i}.${kind}.${j}.name`);
        }
      }
    }
  }
  return null;
}

function checkContent(content: unknown, hasTemplate: boolean): ApiError | null {
  if (content === undefined && hasTemplate) return null;
  if (!Array.isArray(content) || content.length === 0) {
    return err('Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.', 'content');
  }
  const types: string[] = [];
  for (const [i, c] of (content as unknown[]).entries()) {
    if (!isObject(c) || typeof c.type !== 'string' || c.type.length === 0) {
      return err('The content type must be a string at least one character in length.', `content.${i}.type`);
    }
    if (typeof c.value !== 'string' || c.value.length === 0) {
      return err('The content value must be a string at least one character in length.', `content.${i}.value`);
    }
    types.push(c.type);
  }
  const plain = types.filter((t) => t === 'text/plain').length;
  const html = types.filter((t) => t === 'text/html').length;
  if (plain > 1 || html > 1) return err('If present, text/plain and text/html may only be provided once.', 'content');
  // text/plain first, then text/html, then anything else.
  const rank = (t: string) => (t === 'text/plain' ? 0 : t === 'text/html' ? 1 : 2);
  if (types.some((t, i) => i > 0 && rank(t) < rank(types[i - 1]))) {
    return err('If present, text/plain must be first, followed by text/html, followed by any other content.', 'content');
  }
  return null;
}

export interface FakeSendgridOptions {
  /**
   * Mails whose letter_id this picks are checked like any other, then accepted at once and kept
   * apart (supporterMail()): they use no scripted answer or delay and are not in the other counts.
   * The test service sets emails to supporters apart, so tests of letters count letters.
   */
  setAside?: (letterId: string) => boolean;
  /**
   * SendGrid's Event Webhook: for each letter it takes (answered 202, even to a client that gave
   * up waiting), a signed `processed` event is posted here, `delayMs` later.
   */
  events?: { url: string; privateKey: KeyObject; delayMs?: number };
}

/** Posts SendGrid's signed Event Webhook batch (ECDSA over timestamp + raw body). */
async function postEvents(target: NonNullable<FakeSendgridOptions['events']>, events: object[]): Promise<void> {
  const raw = JSON.stringify(events);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + raw), target.privateKey).toString('base64');
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Twilio-Email-Event-Webhook-Signature': signature, 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp },
    body: raw,
  });
  if (res.status !== 204) throw new Error(`the service answered the Event Webhook with ${res.status}`);
}

export async function startFakeSendgrid(options: FakeSendgridOptions = {}): Promise<FakeSendgrid> {
  let accepted: SentMail[] = [];
  let setAside: SentMail[] = [];
  let received = 0;
  let queue: ScriptedStatus[] = [];
  let delayMs = 0;
  let receivedIds: Array<{ letterId: string; at: number }> = [];
  let keyRevoked = false;
  let refusals: number[] = [];
  let throttleHeaders: Record<string, string> | null = null;
  let fallback: DefaultStatus = 202;
  let nextAccepted: Array<(m: SentMail) => void> = [];
  let countWaiters: Array<() => void> = [];

  const sendJson = (res: http.ServerResponse, status: number, body: object, extra: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
    res.end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, status: number, e: ApiError) => sendJson(res, status, { errors: [e] });

  const answer = (res: http.ServerResponse, status: ScriptedStatus, body: MailSendBody, headers: http.IncomingHttpHeaders) => {
    switch (status) {
      case 'hang': return; // never answer; close() destroys the socket
      case 400: return fail(res, 400, err('The to email does not contain a valid address.', 'personalizations.0.to.0.email'));
      case 403: return fail(res, 403, err('The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved.', 'from'));
      case 413: return fail(res, 413, err('content too large'));
      case 429: return sendJson(res, 429, { errors: [{ field: null, message: 'too many requests' }] }, throttleHeaders ?? {
        'X-RateLimit-Limit': '600',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 1),
      });
      case 500: case 503: return fail(res, status, err('internal error'));
      case 202: {
        const mail: SentMail = { body, headers, messageId: randomBytes(16).toString('base64url'), at: Date.now() };
        accepted.push(mail);
        res.writeHead(202, { 'X-Message-Id': mail.messageId });
        res.end();
        const letterId = body.personalizations[0]?.custom_args?.letter_id ?? body.custom_args?.letter_id;
        const events = options.events;
        if (events && letterId) {
          const event = { email: body.personalizations[0].to[0].email, timestamp: Math.floor(Date.now() / 1000), event: 'processed', sg_event_id: randomBytes(12).toString('base64url'), sg_message_id: `${mail.messageId}.filter0001`, letter_id: letterId };
          setTimeout(() => void postEvents(events, [event]).catch((e: Error) => console.error(`fakeSendgrid: ${e.message}`)), events.delayMs ?? 0);
        }
        const waiting = nextAccepted;
        nextAccepted = [];
        waiting.forEach((resolve) => resolve(mail));
        countWaiters.forEach((check) => check());
      }
    }
  };

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || pathname !== '/v3/mail/send') {
      req.resume();
      return fail(res, 404, err('not found'));
    }
    received += 1;
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      req.resume();
      return fail(res, 401, err('The provided authorization grant is invalid, expired, or revoked'));
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BYTES) {
      req.resume();
      return fail(res, 413, err('content too large'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => { size += chunk.length; chunks.push(chunk); });
    req.on('end', () => {
      if (size > MAX_BYTES) return fail(res, 413, err('content too large'));
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return fail(res, 400, err('Bad Request'));
      }
      if (!isObject(body)) return fail(res, 400, err('Bad Request'));
      const problem = validateMailSend(body);
      if (problem) return fail(res, 400, problem); // invalid requests do not use up a script entry
      const mail = body as MailSendBody;
      const letterId = mail.personalizations[0]?.custom_args?.letter_id ?? mail.custom_args?.letter_id;
      if (keyRevoked) {
        // SendGrid refuses before reading the body; the body is read here only to leave supporters' emails out of the counts.
        if (letterId && options.setAside?.(letterId)) received -= 1;
        else refusals.push(Date.now());
        return fail(res, 401, err('The provided authorization grant is invalid, expired, or revoked'));
      }
      if (letterId && options.setAside?.(letterId)) {
        received -= 1; // not one of the counted requests
        const kept: SentMail = { body: mail, headers: req.headers, messageId: randomBytes(16).toString('base64url'), at: Date.now() };
        setAside.push(kept);
        res.writeHead(202, { 'X-Message-Id': kept.messageId });
        return res.end();
      }
      if (letterId) receivedIds.push({ letterId, at: Date.now() });
      const status = queue.shift() ?? fallback;
      if (delayMs > 0) setTimeout(() => answer(res, status, mail, req.headers), delayMs);
      else answer(res, status, mail, req.headers);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: API_KEY,
    accepted: () => [...accepted],
    supporterMail: () => [...setAside],
    requestCount: () => received,
    script: (...statuses) => { queue.push(...statuses); }, // appends to what is still queued
    setDefault: (status) => { fallback = status; },
    onAccepted: () => new Promise<SentMail>((resolve) => { nextAccepted.push(resolve); }),
    waitForAccepted: (n, timeoutMs = 10_000) => new Promise<SentMail[]>((resolve, reject) => {
      const check = () => {
        if (accepted.length < n) return;
        clearTimeout(timer);
        countWaiters = countWaiters.filter((c) => c !== check);
        resolve([...accepted]);
      };
      const timer = setTimeout(() => {
        countWaiters = countWaiters.filter((c) => c !== check);
        reject(new Error(`fakeSendgrid: waited ${timeoutMs} ms for ${n} accepted mail(s), got ${accepted.length} ` +
          `(${received} POST /v3/mail/send received)`));
      }, timeoutMs);
      countWaiters.push(check);
      check();
    }),
    setDelay: (ms) => { delayMs = ms; },
    receivedLetterIds: () => receivedIds.map((r) => r.letterId),
    receivedLetters: () => [...receivedIds],
    revokeKey: () => { keyRevoked = true; },
    restoreKey: () => { keyRevoked = false; },
    refusedAt: () => [...refusals],
    setThrottleHeaders: (headers) => { throttleHeaders = headers; },
    reset: () => {
      accepted = [];
      setAside = [];
      received = 0;
      queue = [];
      fallback = 202;
      delayMs = 0;
      receivedIds = [];
      keyRevoked = false;
      refusals = [];
      throttleHeaders = null;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()));
      server.closeAllConnections(); // ends hanging and keep-alive sockets so close() can finish
    }),
  };
}
