// The delivery use cases against hand-written in-memory ports (no modules mocked).
import { overallStatus } from '../../src/domain/actionStatus';
import { ABANDONED, deliverLetter, type DeliverDeps } from '../../src/domain/deliverLetter';
import { canMove, type LetterStatus } from '../../src/domain/letterStatus';
import type { Admission, ClaimedLetter, LetterQueue, LetterStore, LetterToSend, Mailer, SendGate, StatusChange } from '../../src/domain/ports';
import { MailError } from '../../src/domain/ports';
import { GAVE_UP, sweepOutbox } from '../../src/domain/sweepOutbox';
import type { Campaign, CampaignStatus } from '../../src/domain/campaign';
import type { Pacing } from '../../src/domain/pacing';

const LETTER_ID = '6d1f3c1e-0000-4000-8000-000000000001';

const letterToSend = (id: string): ClaimedLetter => ({
  id,
  campaignSlug: 'xinjiang',
  locale: 'en',
  to: { email: 'mp@parl.gc.ca', name: 'Chi Nguyen' },
  replyTo: { email: 'supporter@example.org', name: 'Sam Supporter' },
  subject: 'Xinjiang',
  text: 'Dear Chi Nguyen',
  html: '<p>Dear Chi Nguyen</p>',
});

/** An in-memory LetterStore that follows the transition table, and records what it was asked. */
class MemoryLetters implements LetterStore {
  readonly statuses = new Map<string, LetterStatus>();
  readonly moves: Array<{ id: string; to: LetterStatus; change?: StatusChange }> = [];
  readonly claims: Array<{ id: string }> = [];
  readonly explained = new Map<string, string>();
  readonly staleQueries: Array<{ statuses: LetterStatus[]; olderThanMs: number; limit: number; exceptCampaigns?: string[] }> = [];
  /** What `stale` answers, per status. */
  staleRows: Partial<Record<LetterStatus, string[]>> = {};

  constructor(initial: Record<string, LetterStatus> = {}) {
    for (const [id, status] of Object.entries(initial)) this.statuses.set(id, status);
  }

  async claim(letterId: string) {
    this.claims.push({ id: letterId });
    const status = this.statuses.get(letterId);
    if (!status || !canMove(status, 'sending')) return null;
    this.statuses.set(letterId, 'sending');
    return letterToSend(letterId);
  }
  async move(letterId: string, to: LetterStatus, change?: StatusChange) {
    this.moves.push({ id: letterId, to, change });
    const from = this.statuses.get(letterId);
    if (!from || !canMove(from, to)) return false;
    this.statuses.set(letterId, to);
    return true;
  }
  async note() {}
  async explain(letterId: string, reason: string) {
    this.explained.set(letterId, reason);
  }
  /** How often each letter was uncertain before (its history). */
  readonly uncertainTimes = new Map<string, number>();
  async timesUncertain(letterId: string) {
    return this.uncertainTimes.get(letterId) ?? 1;
  }
  async explainQueued(reason: string) {
    for (const [id, status] of this.statuses) if (status === 'queued') this.explained.set(id, reason);
  }
  async status(letterId: string) {
    return this.statuses.get(letterId) ?? null;
  }
  async pendingLookup() {
    return null;
  }
  async resolveLookup() {
    return false;
  }
  async queuedLetter() {
    return null;
  }
  async unsentTo() {
    return [];
  }
  async rewrite() {
    return false;
  }
  async touchLookup() {}
  async stale(statuses: LetterStatus[], olderThanMs: number, limit: number, exceptCampaigns: string[] = []) {
    this.staleQueries.push({ statuses, olderThanMs, limit, ...(exceptCampaigns.length ? { exceptCampaigns } : {}) });
    return statuses.flatMap((status) => (this.staleRows[status] ?? []).map((id) => ({ id, status })));
  }
  readonly planned = new Map<string, Date>();
  /** Letters whose `sending` claim is stale (their worker died). */
  readonly abandoned = new Set<string>();
  readonly slots = new Map<string, Date | null>();
  async deliveryPlan(letterId: string) {
    const status = this.statuses.get(letterId);
    return status
      ? {
          campaignSlug: 'xinjiang', status, recipientEmail: 'MP@parl.gc.ca', plannedAt: this.planned.get(letterId) ?? null, abandoned: this.abandoned.has(letterId),
          legislature: null, level: null, lookedUpAt: null,
        }
      : null;
  }
  async reserveSlot(letterId: string, targetKey: string, choose: (nextFree: Date | null) => { slot: Date; nextFree: Date }) {
    const { slot, nextFree } = choose(this.slots.get(targetKey) ?? null);
    this.slots.set(targetKey, nextFree);
    this.planned.set(letterId, slot);
    return slot;
  }
  async queuedOf() {
    return [];
  }
}

/** A mailer that answers from a script: a message id, or an error to throw. */
class ScriptedMailer implements Mailer {
  readonly sent: LetterToSend[] = [];
  constructor(private readonly answer: () => { messageId: string }) {}
  async send(letter: LetterToSend) {
    this.sent.push(letter);
    return this.answer();
  }
}

const failingWith = (error: unknown) =>
  new ScriptedMailer(() => {
    throw error;
  });

/** A gate that lets every letter go (or holds them all, when told), and records what it was told. */
class RecordingGate implements SendGate {
  readonly told: string[] = [];
  constructor(private readonly held: string | null = null) {}
  async admit(): Promise<Admission> {
    if (this.held) return { go: false, reason: this.held, retryAfterMs: 45_000 };
    return { go: true, done: async (outcome) => void this.told.push(outcome) };
  }
}

/** The sample campaign as the catalog holds it, with what a test changes (pacing), in a state a test sets. */
function deps(
  letters: MemoryLetters,
  mailer: Mailer,
  options: { status?: CampaignStatus; pacing?: Pacing | null; now?: Date; gate?: SendGate } = {},
): DeliverDeps {
  const campaign = {
    slug: 'xinjiang',
    pacing: options.pacing ?? null,
    senderName: { en: '{supporter} via {organisation}', fr: '{supporter} par {organisation}' },
    organisation: { name: { en: 'Example Org', fr: 'Organisation exemple' }, email: 'info@example.org', address: '1 Example St' },
  } as Campaign;
  return {
    letters,
    mailer,
    gate: options.gate ?? new RecordingGate(),
    recordRetriesMs: [1, 1, 1],
    wait: async () => undefined,
    legislatures: { dissolved: async () => new Map(), sittingSince: async () => new Map() },
    recheck: { versions: { at: async () => { throw new Error('no office letters here'); } }, representatives: { find: async () => ({ kind: 'unknown_code' }) }, recheckAfterMs: 1000 },
    campaigns: { get: () => campaign, list: () => [campaign] },
    states: { of: async () => ({ status: options.status ?? 'open', cause: 'definition', since: null }) },
    clock: { now: () => options.now ?? new Date('2026-11-23T15:00:00Z') },
    staleClaimMs: 120_000,
  };
}

describe('deliverLetter', () => {
  it('sends a queued letter and records SendGrid’s message id', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const mailer = new ScriptedMailer(() => ({ messageId: 'sg-abc123' }));
    const outcome = await deliverLetter(deps(letters, mailer), LETTER_ID, false);
    expect(outcome).toEqual({ kind: 'accepted', messageId: 'sg-abc123' });
    expect(mailer.sent.map((l) => l.id)).toEqual([LETTER_ID]);
    expect(letters.claims).toEqual([{ id: LETTER_ID }]);
    expect(letters.moves).toEqual([{ id: LETTER_ID, to: 'accepted', change: { providerMessageId: 'sg-abc123' } }]);
    expect(letters.statuses.get(LETTER_ID)).toBe('accepted');
  });

  it('says who wrote it in the From name, through the organisation, in the letter’s language', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const mailer = new ScriptedMailer(() => ({ messageId: 'sg-abc123' }));
    await deliverLetter(deps(letters, mailer), LETTER_ID, false);
    expect(mailer.sent[0].fromName).toBe('Sam Supporter via Example Org');
    expect(mailer.sent[0].replyTo).toEqual({ email: 'supporter@example.org', name: 'Sam Supporter' });
  });

  it('a letter another worker is sending → busy, nothing sent', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'sending' });
    const mailer = new ScriptedMailer(() => ({ messageId: 'never' }));
    expect(await deliverLetter(deps(letters, mailer), LETTER_ID, false)).toEqual({ kind: 'busy' });
    expect(mailer.sent).toEqual([]);
    expect(letters.moves).toEqual([]);
  });

  it.each<LetterStatus>(['accepted', 'delivered', 'deferred', 'bounced', 'failed', 'awaiting_lookup'])(
    'a letter already %s → skipped, nothing sent',
    async (status) => {
      const letters = new MemoryLetters({ [LETTER_ID]: status });
      const mailer = new ScriptedMailer(() => ({ messageId: 'never' }));
      expect(await deliverLetter(deps(letters, mailer), LETTER_ID, false)).toEqual({ kind: 'skipped' });
      expect(mailer.sent).toEqual([]);
      expect(letters.statuses.get(LETTER_ID)).toBe(status);
    },
  );

  it('a letter that no longer exists (erased) → skipped', async () => {
    const letters = new MemoryLetters();
    expect(await deliverLetter(deps(letters, new ScriptedMailer(() => ({ messageId: 'x' }))), LETTER_ID, false)).toEqual({ kind: 'skipped' });
  });

  it('a rejected letter fails at once, keeping SendGrid’s reason', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const reason = 'SendGrid 400: The to email does not contain a valid address. (personalizations.0.to.0.email)';
    const outcome = await deliverLetter(deps(letters, failingWith(new MailError('rejected', reason))), LETTER_ID, false);
    expect(outcome).toEqual({ kind: 'failed', reason });
    expect(letters.moves).toEqual([{ id: LETTER_ID, to: 'failed', change: { reason } }]);
    expect(letters.statuses.get(LETTER_ID)).toBe('failed');
  });

  it.each([false, true])('a rate limit puts the letter back in the queue (last attempt: %s)', async (isLast) => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const outcome = await deliverLetter(deps(letters, failingWith(new MailError('rate_limited', 'SendGrid 429: too many', 2500))), LETTER_ID, isLast);
    expect(outcome).toEqual({ kind: 'rate_limited', retryAfterMs: 2500 });
    expect(letters.moves.map((m) => m.to)).toEqual(['queued']);
    expect(letters.moves[0].change?.reason).toContain('SendGrid 429: too many');
    expect(letters.statuses.get(LETTER_ID)).toBe('queued');
  });

  it('a rate limit without a wait still waits a while', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const outcome = await deliverLetter(deps(letters, failingWith(new MailError('rate_limited', 'SendGrid 429'))), LETTER_ID, false);
    expect(outcome.kind).toBe('rate_limited');
    expect((outcome as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });

  it('SendGrid unavailable, attempts left → back to queued and retry', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const outcome = await deliverLetter(deps(letters, failingWith(new MailError('unavailable', 'SendGrid 503: down'))), LETTER_ID, false);
    expect(outcome).toEqual({ kind: 'retry', reason: 'SendGrid 503: down' });
    expect(letters.moves).toEqual([{ id: LETTER_ID, to: 'queued', change: { reason: 'SendGrid 503: down' } }]);
    expect(letters.statuses.get(LETTER_ID)).toBe('queued');
  });

  it('SendGrid unavailable on the last attempt → failed, saying what the last error was', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const outcome = await deliverLetter(deps(letters, failingWith(new MailError('unavailable', 'SendGrid did not answer (ECONNABORTED)'))), LETTER_ID, true);
    expect(outcome.kind).toBe('failed');
    expect((outcome as { reason: string }).reason).toContain('SendGrid did not answer (ECONNABORTED)');
    expect(letters.moves.map((m) => m.to)).toEqual(['failed']);
    expect(letters.moves[0].change?.reason).toContain('ECONNABORTED');
    expect(letters.statuses.get(LETTER_ID)).toBe('failed');
  });

  it('no answer (a timeout) → uncertain: not queued, not sent again', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const outcome = await deliverLetter(deps(letters, failingWith(new MailError('uncertain', 'SendGrid did not answer (ECONNABORTED)'))), LETTER_ID, false);
    expect(outcome.kind).toBe('uncertain');
    expect(letters.statuses.get(LETTER_ID)).toBe('uncertain');
    expect(letters.moves[0].change?.reason).toContain('may have it');
  });

  it('records SendGrid’s 202 through a short database outage, rather than leave it to reconcile', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    let failures = 2;
    const move = letters.move.bind(letters);
    letters.move = async (id, to, change) => {
      if (to === 'accepted' && failures-- > 0) throw new Error('Connection terminated unexpectedly');
      return move(id, to, change);
    };
    const outcome = await deliverLetter(deps(letters, new ScriptedMailer(() => ({ messageId: 'sg-9' }))), LETTER_ID, false);
    expect(outcome).toEqual({ kind: 'accepted', messageId: 'sg-9' });
    expect(letters.statuses.get(LETTER_ID)).toBe('accepted');
  });

  it('a database away longer than the retries: the error propagates and the letter stays claimed (the sweeper reconciles it)', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    letters.move = async () => {
      throw new Error('Connection terminated unexpectedly');
    };
    await expect(deliverLetter(deps(letters, new ScriptedMailer(() => ({ messageId: 'sg-9' }))), LETTER_ID, false)).rejects.toThrow('Connection terminated');
    expect(letters.statuses.get(LETTER_ID)).toBe('sending');
  });

  it('while our key is refused, a letter is held with the reason, and nothing is sent', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const sender = new ScriptedMailer(() => ({ messageId: 'never' }));
    const outcome = await deliverLetter(deps(letters, sender, { gate: new RecordingGate('SendGrid 401: bad key') }), LETTER_ID, false);
    expect(outcome).toEqual({ kind: 'misconfigured', reason: 'SendGrid 401: bad key', retryAfterMs: 45_000 });
    expect(sender.sent).toEqual([]);
    expect(letters.claims).toEqual([]);
    expect(letters.explained.get(LETTER_ID)).toBe('Held: SendGrid 401: bad key');
  });

  it('tells the gate what SendGrid said: only an answer says anything of our key', async () => {
    const gate = new RecordingGate();
    const tries: Array<Mailer> = [
      failingWith(new MailError('misconfigured', 'SendGrid 401')),
      new ScriptedMailer(() => ({ messageId: 'x' })),
      failingWith(new MailError('rejected', 'SendGrid 400')),
      failingWith(new MailError('rate_limited', 'SendGrid 429', 1000)),
      failingWith(new MailError('uncertain', 'SendGrid did not answer (ETIMEDOUT)')),
      failingWith(new MailError('unavailable', 'SendGrid could not be reached (ECONNREFUSED)')),
    ];
    for (const [i, mailer] of tries.entries()) await deliverLetter(deps(new MemoryLetters({ [`l${i}`]: 'queued' }), mailer, { gate }), `l${i}`, false);
    expect(gate.told).toEqual(['refused', 'accepted', 'answered', 'answered', 'unanswered', 'unsent']);
  });

  it('tells the gate even when the claim itself fails (the database away), so no send waits on it forever', async () => {
    const gate = new RecordingGate();
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const down = new Error('connection terminated');
    letters.claim = async () => {
      throw down;
    };
    await expect(deliverLetter(deps(letters, new ScriptedMailer(() => ({ messageId: 'x' })), { gate }), LETTER_ID, false)).rejects.toBe(down);
    expect(gate.told).toEqual(['unsent']);
  });

  it('a refusal of our key says why on every queued letter, not only the one tried', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued', other: 'queued', sent: 'accepted' });
    await deliverLetter(deps(letters, failingWith(new MailError('misconfigured', 'SendGrid 401: revoked'))), LETTER_ID, false);
    expect(letters.explained.get('other')).toBe('Held: SendGrid 401: revoked');
    expect(letters.explained.has('sent')).toBe(false);
  });

  it('an error that is not a MailError propagates, leaving the letter claimed', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const bug = new TypeError('cannot read properties of undefined');
    await expect(deliverLetter(deps(letters, failingWith(bug)), LETTER_ID, false)).rejects.toBe(bug);
    expect(letters.moves).toEqual([]);
    expect(letters.statuses.get(LETTER_ID)).toBe('sending');
  });
});

describe('deliverLetter: pauses and pacing', () => {
  const mailer = () => new ScriptedMailer(() => ({ messageId: 'sg-1' }));
  const pacing: Pacing = { perTargetPerHour: 4, officeHours: null };

  it('holds a queued letter of a paused campaign: nothing claimed, nothing sent', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    const sender = mailer();
    expect(await deliverLetter(deps(letters, sender, { status: 'paused' }), LETTER_ID, false)).toEqual({ kind: 'held' });
    expect(sender.sent).toEqual([]);
    expect(letters.claims).toEqual([]);
    expect(letters.statuses.get(LETTER_ID)).toBe('queued');
  });

  it('a letter whose worker died mid-send is uncertain, not sent again: SendGrid may have it', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'sending' });
    letters.abandoned.add(LETTER_ID);
    const sender = mailer();
    const outcome = await deliverLetter(deps(letters, sender), LETTER_ID, false);
    expect(outcome.kind).toBe('uncertain');
    expect(letters.statuses.get(LETTER_ID)).toBe('uncertain');
    expect(sender.sent).toEqual([]);
  });

  it('a closed campaign still sends the letters it accepted', async () => {
    const letters = new MemoryLetters({ [LETTER_ID]: 'queued' });
    expect((await deliverLetter(deps(letters, mailer(), { status: 'closed' }), LETTER_ID, false)).kind).toBe('accepted');
  });

  it('paces letters to one target: the first goes now, the next waits for its slot, then goes', async () => {
    const now = new Date('2026-11-23T15:00:00Z');
    const letters = new MemoryLetters({ a: 'queued', b: 'queued' });
    const sender = mailer();
    expect((await deliverLetter(deps(letters, sender, { pacing, now }), 'a', false)).kind).toBe('accepted');
    expect(await deliverLetter(deps(letters, sender, { pacing, now }), 'b', false)).toEqual({ kind: 'wait', until: new Date('2026-11-23T15:15:30Z') });
    expect(sender.sent.map((l) => l.id)).toEqual(['a']);
    // The slot is kept: asked again before it, the same time; at it, sent.
    expect(await deliverLetter(deps(letters, sender, { pacing, now: new Date('2026-11-23T15:10:00Z') }), 'b', false)).toEqual({
      kind: 'wait',
      until: new Date('2026-11-23T15:15:30Z'),
    });
    expect((await deliverLetter(deps(letters, sender, { pacing, now: new Date('2026-11-23T15:15:30Z') }), 'b', false)).kind).toBe('accepted');
    // One queue of slots per campaign and address, whatever the address's case.
    expect([...letters.slots.keys()]).toEqual(['xinjiang:mp@parl.gc.ca']);
  });

  it('the retry of a failed attempt, minutes after its slot, takes a new slot', async () => {
    const letters = new MemoryLetters({ a: 'queued' });
    letters.planned.set('a', new Date('2026-11-23T14:55:00Z'));
    letters.slots.set('xinjiang:mp@parl.gc.ca', new Date('2026-11-23T15:10:30Z'));
    expect(await deliverLetter(deps(letters, mailer(), { pacing }), 'a', false)).toEqual({ kind: 'wait', until: new Date('2026-11-23T15:10:30Z') });
  });

  it('a letter long past its slot (a worker outage) takes a new one rather than crowd the target', async () => {
    const letters = new MemoryLetters({ a: 'queued' });
    letters.planned.set('a', new Date('2026-11-23T12:00:00Z'));
    letters.slots.set('xinjiang:mp@parl.gc.ca', new Date('2026-11-23T15:30:00Z'));
    expect(await deliverLetter(deps(letters, mailer(), { pacing }), 'a', false)).toEqual({ kind: 'wait', until: new Date('2026-11-23T15:30:00Z') });
  });
});

describe('overallStatus', () => {
  const of = (...statuses: LetterStatus[]) => overallStatus({ confirmed: true, letters: statuses.map((status) => ({ status })) });

  it.each<[LetterStatus[], string]>([
    [['queued', 'accepted'], 'in_progress'],
    [['awaiting_lookup', 'delivered'], 'in_progress'],
    [['sending'], 'in_progress'],
    [['deferred', 'delivered'], 'in_progress'],
    [['failed', 'queued'], 'in_progress'],
    [['accepted', 'delivered'], 'sent'],
    [['delivered', 'delivered'], 'sent'],
    [['delivered', 'bounced'], 'partly_sent'],
    [['accepted', 'failed'], 'partly_sent'],
    [['failed', 'bounced'], 'failed'],
    [['dropped'], 'failed'],
  ])('%j → %s', (statuses, expected) => {
    expect(of(...statuses)).toBe(expected);
  });
});

describe('sweepOutbox', () => {
  class RecordingQueue implements LetterQueue {
    readonly deliveries: string[][] = [];
    readonly lookups: string[][] = [];
    async enqueueDeliveries() {}
    async enqueueLookups() {}
    async ensureDelivery(ids: string[]) {
      this.deliveries.push(ids);
      return ids.length;
    }
    async ensureLookup(ids: string[]) {
      this.lookups.push(ids);
      return ids.length;
    }
    async enqueueConfirmation() {}
    async ensureConfirmation() {
      return 0;
    }
    async enqueueSupporterEmails() {}
    async ensureSupporterEmails() {
      return 0;
    }
  }
  /** The sample campaigns, the ones named paused. */
  const sample = { slug: 'xinjiang' } as Campaign;
  const campaignsPaused = (...paused: string[]) => ({
    campaigns: { get: () => sample, list: () => [sample] },
    states: { of: async (c: Campaign) => ({ status: paused.includes(c.slug) ? ('paused' as const) : ('open' as const), cause: 'switch' as const, since: null }) },
  });

  const windows = { graceMs: 60_000, staleClaimMs: 300_000, reconcileWindowMs: 600_000 };

  it('re-queues queued letters, looks up the waiting ones, and never re-sends an abandoned claim at once', async () => {
    const letters = new MemoryLetters({ s1: 'sending' });
    letters.staleRows = { queued: ['q1', 'q2'], sending: ['s1'], awaiting_lookup: ['l1'], failed: ['f1'], accepted: ['a1'] };
    const queue = new RecordingQueue();
    const result = await sweepOutbox({ letters, queue, ...windows, batchSize: 100, ...campaignsPaused() });

    expect(queue.deliveries).toHaveLength(1);
    expect([...queue.deliveries[0]].sort()).toEqual(['q1', 'q2']);
    expect(queue.lookups).toEqual([['l1']]);
    // The worker that claimed s1 died: SendGrid may have it, so it waits for proof.
    expect(letters.statuses.get('s1')).toBe('uncertain');
    expect(letters.moves).toContainEqual({ id: 's1', to: 'uncertain', change: { reason: ABANDONED } });
    expect(result).toEqual({ deliveries: 2, lookups: 1, uncertain: 1, resent: 0, gaveUp: 0 });
  });

  it('sends an uncertain letter again once the reconcile window passes without proof, saying why', async () => {
    const letters = new MemoryLetters({ u1: 'uncertain' });
    letters.staleRows = { uncertain: ['u1'] };
    const queue = new RecordingQueue();
    const result = await sweepOutbox({ letters, queue, ...windows, batchSize: 100, ...campaignsPaused() });

    expect(letters.statuses.get('u1')).toBe('queued');
    expect(letters.moves.find((m) => m.id === 'u1')?.change?.reason).toMatch(/No event from SendGrid for it in 10 minutes/);
    expect(queue.deliveries).toEqual([['u1']]);
    expect(result).toEqual({ deliveries: 1, lookups: 0, uncertain: 0, resent: 1, gaveUp: 0 });
  });

  it('sends an uncertain letter again only once: uncertain again after that, it fails, saying why', async () => {
    const letters = new MemoryLetters({ u1: 'uncertain' });
    letters.staleRows = { uncertain: ['u1'] };
    letters.uncertainTimes.set('u1', 2);
    const queue = new RecordingQueue();
    const result = await sweepOutbox({ letters, queue, ...windows, batchSize: 100, ...campaignsPaused() });
    expect(letters.statuses.get('u1')).toBe('failed');
    expect(letters.moves.find((m) => m.id === 'u1')?.change?.reason).toBe(GAVE_UP);
    expect(queue.deliveries).toEqual([[]]);
    expect(result).toMatchObject({ resent: 0, gaveUp: 1 });
  });

  it('does not send again a letter whose proof arrived while the sweep looked (it is no longer uncertain)', async () => {
    const letters = new MemoryLetters({ u1: 'delivered' });
    letters.staleRows = { uncertain: ['u1'] };
    const queue = new RecordingQueue();
    const result = await sweepOutbox({ letters, queue, ...windows, batchSize: 100, ...campaignsPaused() });
    expect(letters.statuses.get('u1')).toBe('delivered');
    expect(queue.deliveries).toEqual([[]]);
    expect(result.resent).toBe(0);
  });

  it('uses the grace period for queued and awaiting letters, the claim timeout for sending ones, the window for uncertain ones', async () => {
    const letters = new MemoryLetters();
    await sweepOutbox({ letters, queue: new RecordingQueue(), ...windows, batchSize: 50, ...campaignsPaused() });
    const byStatus = Object.fromEntries(letters.staleQueries.map((q) => [q.statuses.join(','), q]));
    expect(byStatus.queued).toEqual({ statuses: ['queued'], olderThanMs: 60_000, limit: 50 });
    expect(byStatus.sending).toEqual({ statuses: ['sending'], olderThanMs: 300_000, limit: 50 });
    expect(byStatus.uncertain).toEqual({ statuses: ['uncertain'], olderThanMs: 600_000, limit: 50 });
    expect(byStatus.awaiting_lookup).toEqual({ statuses: ['awaiting_lookup'], olderThanMs: 60_000, limit: 50 });
    // Only those four: never a letter that was sent or failed.
    expect(letters.staleQueries.flatMap((q) => q.statuses).sort()).toEqual(['awaiting_lookup', 'queued', 'sending', 'uncertain']);
  });

  it('leaves the queued letters of paused campaigns to the resume', async () => {
    const letters = new MemoryLetters();
    await sweepOutbox({ letters, queue: new RecordingQueue(), graceMs: 1, staleClaimMs: 1, reconcileWindowMs: 1, batchSize: 10, ...campaignsPaused('xinjiang') });
    expect(letters.staleQueries.find((q) => q.statuses.includes('queued'))?.exceptCampaigns).toEqual(['xinjiang']);
    expect(letters.staleQueries.find((q) => q.statuses.includes('sending'))?.exceptCampaigns).toBeUndefined();
  });

  it('reports what the queue actually added', async () => {
    const letters = new MemoryLetters();
    letters.staleRows = { queued: ['q1', 'q2'] };
    const queue = new RecordingQueue();
    queue.ensureDelivery = async (ids: string[]) => {
      queue.deliveries.push(ids);
      return 1; // one of them already had a live job
    };
    expect(await sweepOutbox({ letters, queue, graceMs: 1, staleClaimMs: 1, reconcileWindowMs: 1, batchSize: 10, ...campaignsPaused() })).toEqual({ deliveries: 1, lookups: 0, uncertain: 0, resent: 0, gaveUp: 0 });
  });
});
