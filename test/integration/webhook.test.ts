// SendGrid's signed Event Webhook through HTTP, against the real service: batches are signed
// like SendGrid signs them (ECDSA P-256 over timestamp + raw bytes, events separated by `,\r\n`),
// stored once each, and applied to real letters that went through the queue and the fake SendGrid.
import crypto, { type KeyObject } from 'node:crypto';
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const strangerKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY } });
});
afterAll(() => service.close());

// ---- helpers ---------------------------------------------------------------------------------

interface Letter { id: string; actionId: string; token: string; messageId: string; email: string }
type SgEvent = Record<string, unknown> & { timestamp: number; event: string; sg_event_id: string };

/** A batch as SendGrid writes it: events separated by `,\r\n`, ending in `\r\n`. */
const batch = (events: object[]): string => '[' + events.map((e) => JSON.stringify(e)).join(',\r\n') + ']\r\n';

const nowSeconds = () => String(Math.floor(Date.now() / 1000));

const sign = (raw: string, timestamp: string, privateKey: KeyObject = keys.privateKey): string =>
  crypto.sign('sha256', Buffer.from(timestamp + raw), privateKey).toString('base64');

/** POSTs raw bytes; signed with our key over `timestamp` unless told otherwise (null: no headers). */
function post(raw: string, opts: { signature?: string | null; timestamp?: string; app?: TestService['app'] } = {}) {
  const timestamp = opts.timestamp ?? nowSeconds();
  const signature = opts.signature === undefined ? sign(raw, timestamp) : opts.signature;
  const req = request(opts.app ?? service.app).post('/webhooks/sendgrid').set('Content-Type', 'application/json');
  if (signature !== null) req.set('X-Twilio-Email-Event-Webhook-Signature', signature).set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp);
  return req.send(raw);
}

const postEvents = (events: object[]) => post(batch(events)).expect(204);

// Every event gets its own second, an hour back, so times are distinct and comparable.
let clock = Math.floor(Date.now() / 1000) - 3600;
const nextSecond = () => (clock += 7);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const sgEventId = () => crypto.randomBytes(16).toString('base64');
const sgMessageId = (messageId: string) => `${messageId}.filter0001.16648.5515E0B88.0`;

/** An event SendGrid would send about this letter; `extra` adds or overrides fields. */
function eventFor(letter: Letter, event: string, extra: Record<string, unknown> = {}): SgEvent {
  return {
    email: letter.email,
    timestamp: nextSecond(),
    'smtp-id': `<${letter.messageId}@ismtpd-555>`,
    event,
    category: ['xinjiang'],
    sg_event_id: sgEventId(),
    sg_message_id: sgMessageId(letter.messageId),
    letter_id: letter.id,
    ...extra,
  };
}

/** At least `n` real letters that SendGrid (the fake) has taken. */
async function acceptedLetters(n: number): Promise<Letter[]> {
  const actions = await Promise.all(
    Array.from({ length: Math.ceil(n / 2) }, () => service.submitted(supporter())),
  );
  const letters = await Promise.all(
    actions.flatMap((res) =>
      res.letters.map(async (l): Promise<Letter> => {
        const row = await service.waitForLetter(l.id, 'accepted');
        return { id: l.id, actionId: res.id, token: res.token, messageId: row.provider_message_id!, email: row.recipient_email! };
      }),
    ),
  );
  for (const letter of letters) expect(letter.messageId).toBeTruthy();
  return letters.slice(0, n);
}

interface LetterEventRow { type: string; reason: string | null; at: Date }
const letterEvents = async (letterId: string) =>
  (await service.deps.db.query<LetterEventRow>('SELECT type, reason, at FROM letter_events WHERE letter_id = $1 ORDER BY id', [letterId])).rows;

/** Waits until the letter's log has an entry of this type at this time: proof the event was applied. */
const waitForLogged = (letterId: string, type: string, seconds: number) =>
  eventually(
    () => letterEvents(letterId),
    (rows) => rows.some((r) => r.type === type && r.at.getTime() === seconds * 1000),
    { what: `letter ${letterId} to log ${type} at ${iso(seconds)}` },
  );

const deliveryEventCount = async (): Promise<number> =>
  (await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_events')).rows[0].n;

interface DeliveryEventRow { letter_id: string | null; event: string; sg_event_id: string | null; reason: string | null; applied_at: Date | null }
const deliveryEventsOf = async (letterId: string) =>
  (await service.deps.db.query<DeliveryEventRow>('SELECT letter_id, event, sg_event_id, reason, applied_at FROM delivery_events WHERE letter_id = $1 ORDER BY id', [letterId])).rows;

// The applier moves the letter first and marks its events applied after: the letter's new status
// is seen before the mark (a crash in between applies the event again, harmlessly).
const expectMarkedApplied = async (letterId: string) => {
  const events = await eventually(() => deliveryEventsOf(letterId), (rows) => rows[0]?.applied_at != null, { what: `the event of ${letterId} marked applied` });
  expect(events[0].applied_at).not.toBeNull();
};

// ---- tests -----------------------------------------------------------------------------------

describe('a signed batch', () => {
  it('moves letters to delivered, bounced, dropped and deferred, keeps the reasons and SendGrid’s times, and answers 204 with no body', async () => {
    const [toDeliver, toBounce, toDrop, toDefer] = await acceptedLetters(4);
    const delivered = eventFor(toDeliver, 'delivered', { response: '250 OK', tls: 1, ip: '167.89.101.76' });
    const bounce = eventFor(toBounce, 'bounce', { type: 'bounce', reason: '500 unknown recipient', status: '5.0.0' });
    const dropped = eventFor(toDrop, 'dropped', { reason: 'Bounced Address', status: '5.0.0' });
    const deferred = eventFor(toDefer, 'deferred', { response: '400 try again later', attempt: '5' });

    const raw = batch([delivered, bounce, dropped, deferred]);
    expect(raw).toContain('},\r\n{');
    expect(raw.endsWith(']\r\n')).toBe(true);
    const res = await post(raw).expect(204);
    expect(res.text ?? '').toBe('');
    expect(res.headers['content-length'] ?? '0').toBe('0');

    // Stored before the answer, each matched to its letter by the custom arg.
    for (const [letter, event] of [[toDeliver, delivered], [toBounce, bounce], [toDrop, dropped], [toDefer, deferred]] as const) {
      const rows = await deliveryEventsOf(letter.id);
      expect(rows).toEqual([expect.objectContaining({ letter_id: letter.id, event: event.event, sg_event_id: event.sg_event_id })]);
    }

    expect((await service.waitForLetter(toDeliver.id, 'delivered')).status).toBe('delivered');
    expect((await service.waitForLetter(toBounce.id, 'bounced')).status_reason).toContain('500 unknown recipient');
    expect((await service.waitForLetter(toDrop.id, 'dropped')).status_reason).toContain('Bounced Address');
    expect((await service.waitForLetter(toDefer.id, 'deferred')).status_reason).toContain('400 try again later');

    // The log carries the time SendGrid reported, not the time we heard of it.
    for (const [letter, type, event] of [
      [toDeliver, 'delivered', delivered],
      [toBounce, 'bounced', bounce],
      [toDrop, 'dropped', dropped],
      [toDefer, 'deferred', deferred],
    ] as const) {
      const rows = (await letterEvents(letter.id)).filter((r) => r.type === type);
      expect(rows).toHaveLength(1);
      expect(rows[0].at.toISOString()).toBe(iso(event.timestamp));
    }

    // And so does the supporter's status link.
    const status = await request(service.app).get(`/api/actions/${toDeliver.actionId}`).query({ token: toDeliver.token }).expect(200);
    const letter = status.body.letters.find((l: { id: string }) => l.id === toDeliver.id);
    expect(letter.status).toBe('delivered');
    expect(letter.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sending', 'accepted', 'delivered']);
    expect(letter.events.at(-1)).toEqual({ type: 'delivered', at: iso(delivered.timestamp) });
  });

  it('logs `processed` in the letter’s history without changing its status', async () => {
    const [letter] = await acceptedLetters(1);
    const processed = eventFor(letter, 'processed', { pool: { name: 'letters', id: 210 } });
    await postEvents([processed]);

    const logged = await waitForLogged(letter.id, 'processed', processed.timestamp);
    expect(logged.map((r) => r.type)).toEqual(['queued', 'sending', 'accepted', 'processed']);
    expect((await service.letter(letter.id)).status).toBe('accepted');

    // The letter can still move on afterwards.
    await postEvents([eventFor(letter, 'delivered')]);
    await service.waitForLetter(letter.id, 'delivered');
  });

  it('matches an event to its letter by the sg_message_id prefix when there is no usable letter_id', async () => {
    const [noArg, badArg] = await acceptedLetters(2);
    const withoutArg = eventFor(noArg, 'delivered');
    delete withoutArg.letter_id;
    const withBadArg = eventFor(badArg, 'bounce', { letter_id: 'not-a-letter-id', type: 'blocked', reason: '550 5.7.1 blocked', status: '5.7.1' });
    await postEvents([withoutArg, withBadArg]);

    expect((await deliveryEventsOf(noArg.id)).map((r) => r.sg_event_id)).toEqual([withoutArg.sg_event_id]);
    expect((await deliveryEventsOf(badArg.id)).map((r) => r.sg_event_id)).toEqual([withBadArg.sg_event_id]);
    await service.waitForLetter(noArg.id, 'delivered');
    expect((await service.waitForLetter(badArg.id, 'bounced')).status_reason).toContain('550 5.7.1 blocked');
  });
});

describe('signatures', () => {
  const expectRefused = (res: request.Response) => {
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: 'invalid_signature', message: expect.any(String) }) });
  };

  it('refuses unsigned, wrongly signed, re-serialised and re-timed bodies with 401, and stores nothing', async () => {
    const [letter] = await acceptedLetters(1);
    const raw = batch([eventFor(letter, 'delivered', { response: '250 OK' }), eventFor(letter, 'processed')]);
    const before = await deliveryEventCount();
    const ts = nowSeconds();

    expectRefused(await post(raw, { signature: null }));
    // Only one of the two headers.
    expectRefused(await request(service.app).post('/webhooks/sendgrid').set('Content-Type', 'application/json')
      .set('X-Twilio-Email-Event-Webhook-Signature', sign(raw, ts)).send(raw));
    expectRefused(await request(service.app).post('/webhooks/sendgrid').set('Content-Type', 'application/json')
      .set('X-Twilio-Email-Event-Webhook-Timestamp', ts).send(raw));
    // Signed by someone else's key.
    expectRefused(await post(raw, { timestamp: ts, signature: sign(raw, ts, strangerKeys.privateKey) }));
    // Our signature, but the bytes were re-serialised on the way (the same JSON, different bytes).
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expectRefused(await post(reserialised, { timestamp: ts, signature: sign(raw, ts) }));
    // Our signature over another timestamp than the one sent.
    expectRefused(await post(raw, { timestamp: String(Number(ts) + 1), signature: sign(raw, ts) }));
    // Not a signature at all.
    expectRefused(await post(raw, { timestamp: ts, signature: 'not a signature' }));
    expectRefused(await post(raw, { timestamp: ts, signature: '' }));

    expect(await deliveryEventCount()).toBe(before);
    expect(await deliveryEventsOf(letter.id)).toEqual([]);

    // The same bytes, properly signed, are taken: the refusals above were about the signature.
    await post(raw, { timestamp: ts }).expect(204);
    await service.waitForLetter(letter.id, 'delivered');
  });

  it('refuses every call when no public key is configured', async () => {
    const keyless = await startTestService({ workers: false, represent: service.represent, sendgrid: service.sendgrid });
    try {
      const fakeLetter: Letter = { id: crypto.randomUUID(), actionId: '', token: '', messageId: 'abcDEF123', email: 'chi.nguyen@parl.gc.ca' };
      const raw = batch([eventFor(fakeLetter, 'delivered')]);
      // Properly signed with the key the other service trusts: still refused, there is nothing to check it with.
      expectRefused(await post(raw, { app: keyless.app }));
      expectRefused(await post(raw, { app: keyless.app, signature: null }));
      expectRefused(await post('[]', { app: keyless.app }));
      const { rows } = await keyless.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_events');
      expect(rows[0].n).toBe(0);
      // The same call is taken by the service that has the key.
      await post(raw).expect(204);
    } finally {
      await keyless.close();
    }
  });
});

describe('duplicates and order', () => {
  it('takes a replayed batch harmlessly: one stored row and one log entry per event', async () => {
    const [letter] = await acceptedLetters(1);
    const processed = eventFor(letter, 'processed');
    const delivered = eventFor(letter, 'delivered', { response: '250 OK' });
    const raw = batch([processed, delivered]);

    await post(raw).expect(204);
    await post(raw).expect(204);
    await service.waitForLetter(letter.id, 'delivered');
    await waitForLogged(letter.id, 'processed', processed.timestamp);

    // SendGrid's retry of the same event can carry a new sg_event_id; a new webhook timestamp too.
    const retried = { ...delivered, sg_event_id: sgEventId() };
    await post(batch([retried, { ...processed, sg_event_id: sgEventId() }]), { timestamp: String(Number(nowSeconds()) + 30) }).expect(204);

    const stored = await deliveryEventsOf(letter.id);
    expect(stored.map((r) => r.sg_event_id).sort()).toEqual([processed.sg_event_id, delivered.sg_event_id].sort());
    const rows = await eventually(
      () => deliveryEventsOf(letter.id),
      (r) => r.every((e) => e.applied_at !== null),
      { what: 'the letter’s delivery events to be applied' },
    );
    expect(rows).toHaveLength(2);
    const log = (await letterEvents(letter.id)).map((r) => r.type);
    expect(log.filter((t) => t === 'processed')).toHaveLength(1);
    expect(log.filter((t) => t === 'delivered')).toHaveLength(1);
  });

  it('stores an event repeated within one batch under another sg_event_id once', async () => {
    const [letter] = await acceptedLetters(1);
    const deferred = eventFor(letter, 'deferred', { response: '421 try again later', attempt: '1' });
    await postEvents([deferred, { ...deferred, sg_event_id: sgEventId() }, deferred]);

    expect(await deliveryEventsOf(letter.id)).toHaveLength(1);
    await service.waitForLetter(letter.id, 'deferred');
    await waitForLogged(letter.id, 'deferred', deferred.timestamp);
    expect((await letterEvents(letter.id)).filter((r) => r.type === 'deferred')).toHaveLength(1);
  });

  it('keeps a delivered letter delivered when an earlier deferral or `processed` arrives late, but lets a bounce follow', async () => {
    const [letter] = await acceptedLetters(1);
    const delivered = eventFor(letter, 'delivered', { response: '250 OK' });
    await postEvents([delivered]);
    await service.waitForLetter(letter.id, 'delivered');

    // Reports from other SendGrid servers about earlier moments, arriving after the delivery.
    const lateDeferral = eventFor(letter, 'deferred', { timestamp: delivered.timestamp - 5, response: '421 busy', attempt: '1' });
    const lateProcessed = eventFor(letter, 'processed', { timestamp: delivered.timestamp - 6 });
    await postEvents([lateDeferral]);
    await postEvents([lateProcessed]);
    // Both are applied (logged with their own times), and neither moved the letter back.
    await waitForLogged(letter.id, 'deferred', lateDeferral.timestamp);
    await waitForLogged(letter.id, 'processed', lateProcessed.timestamp);
    const stillDelivered = await service.letter(letter.id);
    expect(stillDelivered.status).toBe('delivered');
    expect(stillDelivered.status_reason).not.toContain('421 busy');

    // An asynchronous bounce may follow a delivery report (the transition table allows it).
    const bounce = eventFor(letter, 'bounce', { type: 'bounce', reason: '550 5.1.1 mailbox unavailable', status: '5.1.1' });
    await postEvents([bounce]);
    expect((await service.waitForLetter(letter.id, 'bounced')).status_reason).toContain('550 5.1.1 mailbox unavailable');

    // A delivery report after the bounce does not undo it.
    const lateDelivered = eventFor(letter, 'delivered', { timestamp: bounce.timestamp - 1 });
    await postEvents([lateDelivered]);
    await waitForLogged(letter.id, 'delivered', lateDelivered.timestamp);
    expect((await service.letter(letter.id)).status).toBe('bounced');
  });

  it('applies events of one batch oldest first, whatever their order in the body', async () => {
    const [letter] = await acceptedLetters(1);
    const deferred = eventFor(letter, 'deferred', { response: '421 busy', attempt: '1' });
    const delivered = eventFor(letter, 'delivered', { response: '250 OK' });
    await postEvents([delivered, deferred]);
    await waitForLogged(letter.id, 'delivered', delivered.timestamp);
    expect((await letterEvents(letter.id)).map((r) => r.type)).toEqual(['queued', 'sending', 'accepted', 'deferred', 'delivered']);
    expect((await service.letter(letter.id)).status).toBe('delivered');
  });
});

describe('odd bodies', () => {
  it('answers 400 validation_failed to a properly signed body that is not a JSON array of events, and stores nothing', async () => {
    const before = await deliveryEventCount();
    for (const raw of [
      '',
      'not json',
      '{"event":"delivered","timestamp":1513299569}\r\n',
      '"delivered"',
      '[1, 2]\r\n',
      '[{"email":"a@example.org","timestamp":1513299569}]\r\n', // no event
      '[{"email":"a@example.org","event":"delivered"}]\r\n', // no timestamp
      '[{"event":"delivered","timestamp":1513299569},\r\nnull]\r\n',
    ]) {
      const res = await post(raw);
      expect({ raw, status: res.status }).toEqual({ raw, status: 400 });
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect(await deliveryEventCount()).toBe(before);
  });

  it('answers 400 validation_failed, not 500, to an event whose timestamp is not a time', async () => {
    // Milliseconds instead of seconds, an absurd number, null: none is a moment SendGrid could report.
    const answers: Record<string, number> = {};
    const before = await deliveryEventCount();
    for (const timestamp of [1_700_000_000_000, 1e20, null]) {
      const res = await post(batch([{ email: 'a@example.org', timestamp, event: 'delivered', sg_event_id: sgEventId(), sg_message_id: 'abc.filter0001' }]));
      answers[String(timestamp)] = res.status;
    }
    expect(answers).toEqual({ '1700000000000': 400, '100000000000000000000': 400, null: 400 });
    expect(await deliveryEventCount()).toBe(before);
  });

  it('stores an event for an unknown letter without a letter, and changes nothing', async () => {
    const stranger: Letter = { id: crypto.randomUUID(), actionId: '', token: '', messageId: crypto.randomBytes(16).toString('base64url'), email: 'chi.nguyen@parl.gc.ca' };
    const event = eventFor(stranger, 'delivered');
    await postEvents([event]);
    const { rows } = await service.deps.db.query<DeliveryEventRow>(
      'SELECT letter_id, event, sg_event_id, reason, applied_at FROM delivery_events WHERE sg_event_id = $1',
      [event.sg_event_id],
    );
    expect(rows).toEqual([expect.objectContaining({ letter_id: null, event: 'delivered' })]);
    await eventually(
      () => service.deps.db.query<{ applied_at: Date | null }>('SELECT applied_at FROM delivery_events WHERE sg_event_id = $1', [event.sg_event_id]),
      (r) => r.rows[0].applied_at !== null,
      { what: 'the stranger event to be taken by the applier' },
    );
    const logged = await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM letter_events WHERE at = $1', [new Date(event.timestamp * 1000)]);
    expect(logged.rows[0].n).toBe(0);
    const letters = await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM letters WHERE id = $1', [stranger.id]);
    expect(letters.rows[0].n).toBe(0);
  });

  it('keeps nothing of the events of confirmation emails (they are about a supporter’s own address), and still takes the letters’ events of the batch', async () => {
    const stranger: Letter = { id: crypto.randomUUID(), actionId: '', token: '', messageId: crypto.randomBytes(16).toString('base64url'), email: 'chi.nguyen@parl.gc.ca' };
    const letterEvent = eventFor(stranger, 'delivered');
    const confirmation = { ...eventFor(stranger, 'delivered'), letter_id: `confirm-${crypto.randomUUID()}`, email: 'supporter@example.org' };
    await postEvents([confirmation, letterEvent]);
    const { rows } = await service.deps.db.query<{ sg_event_id: string }>(
      'SELECT sg_event_id FROM delivery_events WHERE sg_event_id = ANY($1) OR recipient = $2',
      [[confirmation.sg_event_id, letterEvent.sg_event_id], 'supporter@example.org'],
    );
    expect(rows.map((r) => r.sg_event_id)).toEqual([letterEvent.sg_event_id]);
  });

  it('takes SendGrid’s largest batch (768 KB and one more event: 1,500 events), and refuses what SendGrid never sends (413)', async () => {
    const [letter] = await acceptedLetters(1);
    const base = nextSecond();
    const strangers = Array.from({ length: 1499 }, (_, i) => ({
      email: `mp${i}@parl.gc.ca`,
      timestamp: base - (i % 60),
      'smtp-id': `<${i}@ismtpd-555>`,
      event: i % 3 === 0 ? 'processed' : 'delivered',
      category: ['xinjiang'],
      sg_event_id: sgEventId(),
      sg_message_id: sgMessageId(crypto.randomBytes(16).toString('base64url')),
      letter_id: crypto.randomUUID(),
      response: '250 2.0.0 OK  1700000000 d75a77b69052e-4a7f3b9c1d2si1234567qtb.123 - gsmtp',
      ip: '167.89.101.76',
      tls: 1,
      useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 '.repeat(2),
    }));
    const delivered = eventFor(letter, 'delivered', { response: '250 OK' });
    const events = [...strangers.slice(0, 750), delivered, ...strangers.slice(750)];
    const raw = batch(events);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(768 * 1024);

    await post(raw).expect(204);
    await service.waitForLetter(letter.id, 'delivered');
    const { rows } = await service.deps.db.query<{ n: number; matched: number }>(
      'SELECT count(*)::int AS n, count(letter_id)::int AS matched FROM delivery_events WHERE sg_event_id = ANY($1)',
      [events.map((e) => e.sg_event_id)],
    );
    expect(rows[0]).toEqual({ n: 1500, matched: 1 });
    // Twice that is more than SendGrid ever posts at once: refused as it comes.
    const twice = batch([...events, ...events]);
    expect((await post(twice)).status).toBe(413);
  });
});

describe('applying', () => {
  it('applies a batch right after answering, without waiting for a worker', async () => {
    const [letter] = await acceptedLetters(1);
    await service.workers!.close(); // no sweep loop from here on
    service.workers = null;
    try {
      await postEvents([eventFor(letter, 'delivered', { response: '250 OK' })]);
      await service.waitForLetter(letter.id, 'delivered');
    } finally {
      await service.startWorkers();
    }
  });

  it('applies stored events that were never applied', async () => {
    const [letter] = await acceptedLetters(1);
    const at = nextSecond();
    const event = eventFor(letter, 'delivered', { timestamp: at });
    await service.deps.db.query(
      `INSERT INTO delivery_events (letter_id, event, sg_event_id, sg_message_id, occurred_at, recipient, reason, payload, applied_at)
       VALUES ($1, 'delivered', $2, $3, $4, $5, '250 OK', $6::jsonb, NULL)`,
      [letter.id, event.sg_event_id, event.sg_message_id, new Date(at * 1000), letter.email, JSON.stringify(event)],
    );
    // No webhook call: only the worker's sweep loop can apply it.
    await service.waitForLetter(letter.id, 'delivered');
    await waitForLogged(letter.id, 'delivered', at);
    await expectMarkedApplied(letter.id);
  });

  it('applies again an event whose applier died after claiming it (the claim lapses)', async () => {
    const [letter] = await acceptedLetters(1);
    const at = nextSecond();
    const event = eventFor(letter, 'delivered', { timestamp: at });
    await service.deps.db.query(
      `INSERT INTO delivery_events (letter_id, event, sg_event_id, sg_message_id, occurred_at, recipient, reason, payload, claimed_until, applied_at)
       VALUES ($1, 'delivered', $2, $3, $4, $5, '250 OK', $6::jsonb, now() - interval '1 second', NULL)`,
      [letter.id, event.sg_event_id, event.sg_message_id, new Date(at * 1000), letter.email, JSON.stringify(event)],
    );
    await service.waitForLetter(letter.id, 'delivered');
    await expectMarkedApplied(letter.id);
  });

  it('keeps a batch whose text holds NUL characters (PostgreSQL cannot store them): they are dropped', async () => {
    const [letter] = await acceptedLetters(1);
    await postEvents([eventFor(letter, 'bounce', { type: 'bounce', status: '5.0.0', reason: '550 no\u0000 such user' })]);
    const bounced = await service.waitForLetter(letter.id, 'bounced');
    expect(bounced.status_reason).toContain('550 no such user');
  });
});
