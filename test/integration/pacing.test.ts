// Per-target pacing: letters to one MP or minister are spread so no rolling hour holds more than
// the campaign's cap, and none goes outside the office's hours. The use case runs against the real
// database, the real SendGrid client (fake SendGrid) and a clock the test moves; then once through
// the real BullMQ worker with the real clock.
import { DateTime } from 'luxon';
import { deliverLetter, type DeliverDeps, type DeliveryOutcome } from '../../src/domain/deliverLetter';
import { removeCampaignsDir, writeCampaignsDir } from '../helpers/campaignsDir';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const ZONE = 'America/Toronto';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const MINISTER = 'anita.anand@parl.gc.ca';
// No hang is tested in this file: SendGrid's fake gets all the time a throttled machine needs.
const PATIENT_SENDGRID = { SENDGRID_TIMEOUT_MS: '10000' };

interface Submitted {
  letterIds: string[];
}

async function submitMany(service: TestService, bodies: object[]): Promise<Submitted> {
  const letterIds: string[] = [];
  for (const body of bodies) {
    const res = await service.submitted(body as Record<string, unknown>);
    expect(res.letters).toHaveLength(2);
    letterIds.push(...res.letters.map((l) => l.id));
  }
  return { letterIds };
}

// 40 supporters in four ridings: 80 letters, 40 of them to the minister.
const FORTY = [
  ...Array.from({ length: 13 }, () => supporter({ postalCode: 'M5V 3L9' })),
  ...Array.from({ length: 9 }, () => supporter({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne', locale: 'fr' })),
  ...Array.from({ length: 9 }, () => supporter({ postalCode: 'K0A 1K0', city: 'Carlsbad Springs', district: 'Carleton' })),
  ...Array.from({ length: 9 }, () => supporter({ postalCode: 'K0A 1K0', city: 'Navan', district: 'Prescott—Russell—Cumberland' })),
];

describe('pacing with a controllable clock', () => {
  let service: TestService;
  let dir: string;

  beforeAll(async () => {
    dir = writeCampaignsDir({
      xinjiang: {
        from: 'xinjiang',
        set: { pacing: { perTargetPerHour: 6, officeHours: { timezone: ZONE, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } } },
      },
    });
    // No workers: the test alone delivers, at the times its clock says.
    service = await startTestService({ workers: false, env: { CAMPAIGNS_DIR: dir, ...PATIENT_SENDGRID } });
  });
  afterAll(async () => {
    await service.close();
    removeCampaignsDir(dir);
  });

  /** The domain's delivery with the service's own parts, and a clock the test moves (`clock.t`). */
  const controlled = (at: DateTime) => {
    const clock = { t: at.toMillis(), now: () => new Date(clock.t) };
    const deps: DeliverDeps = { ...service.worker.deliver, clock };
    return { clock, deps };
  };

  it('pacing never exceeds the cap per target per hour, and sends only in office hours', async () => {
    const { letterIds } = await submitMany(service, FORTY);
    expect(letterIds).toHaveLength(80);
    expect(new Set(letterIds).size).toBe(80);

    const { rows: stored } = await service.deps.db.query<{ id: string; recipient_email: string; status: string; planned_at: Date | null }>(
      'SELECT id, recipient_email, status, planned_at FROM letters WHERE id = ANY($1)',
      [letterIds],
    );
    const recipientOf = new Map(stored.map((l) => [l.id, l.recipient_email]));
    const recipients = new Set(stored.map((l) => l.recipient_email));
    // The minister and four MPs.
    expect([...recipients].sort()).toEqual(
      ['anita.anand@parl.gc.ca', 'bruce.fanjoy@parl.gc.ca', 'chi.nguyen@parl.gc.ca', 'giovanna.mingarelli@parl.gc.ca', 'joel.godin@parl.gc.ca'],
    );
    expect(stored.filter((l) => l.recipient_email === MINISTER)).toHaveLength(40);
    expect(stored.every((l) => l.status === 'queued' && l.planned_at === null)).toBe(true);

    // Friday March 7, 2025, 16:40 in Toronto: twenty minutes before closing, and the weekend
    // before daylight saving time starts (Sunday March 9).
    const start = DateTime.fromISO('2025-03-07T16:40:00', { zone: ZONE });
    expect(start.weekday).toBe(5);
    const { clock, deps } = controlled(start);

    const due = new Map<string, number>(letterIds.map((id) => [id, clock.t]));
    const sentAt = new Map<string, number>();
    const outcomes: DeliveryOutcome[] = [];
    const deliverDue = async () => {
      for (const [id, at] of [...due]) {
        if (at > clock.t) continue;
        const outcome = await deliverLetter(deps, id, false);
        outcomes.push(outcome);
        if (outcome.kind === 'accepted') {
          sentAt.set(id, clock.t);
          due.delete(id);
        } else if (outcome.kind === 'wait') {
          // A letter is never told to wait for a moment already come.
          expect(outcome.until.getTime()).toBeGreaterThan(clock.t);
          due.set(id, outcome.until.getTime());
        } else {
          throw new Error(`letter ${id} at ${new Date(clock.t).toISOString()}: unexpected outcome ${JSON.stringify(outcome)}`);
        }
      }
    };

    /** Waiting letters are visible: still queued, with the planned time the use case gave. */
    const expectWaitingVisible = async () => {
      const { rows } = await service.deps.db.query<{ id: string; status: string; planned_at: Date | null }>(
        'SELECT id, status, planned_at FROM letters WHERE id = ANY($1)',
        [[...due.keys()]],
      );
      expect(rows).toHaveLength(due.size);
      for (const row of rows) {
        expect({ id: row.id, status: row.status, planned: row.planned_at?.getTime() }).toEqual({ id: row.id, status: 'queued', planned: due.get(row.id) });
        expect(row.planned_at!.getTime()).toBeGreaterThan(clock.t);
      }
    };

    // First pass at Friday 16:40: one letter to each of the five targets goes at once; every
    // other letter gets its slot and waits.
    await deliverDue();
    expect(sentAt.size).toBe(5);
    expect(due.size).toBe(75);
    await expectWaitingVisible();

    const end = start.plus({ days: 5 }).toMillis();
    let checkedSaturday = false;
    while (due.size > 0 && clock.t < end) {
      clock.t += MINUTE;
      await deliverDue();
      if (!checkedSaturday && clock.t >= start.plus({ hours: 20 }).toMillis()) {
        // Saturday noon, office closed: asking again keeps each letter's slot (no new slot is
        // taken), and nothing is sent.
        checkedSaturday = true;
        await expectWaitingVisible();
        const requestsBefore = service.sendgrid.requestCount();
        for (const [id, at] of due) {
          const again = await deliverLetter(deps, id, false);
          expect(again).toEqual({ kind: 'wait', until: new Date(at) });
        }
        expect(service.sendgrid.requestCount()).toBe(requestsBefore);
        await expectWaitingVisible();
      }
    }
    expect(checkedSaturday).toBe(true);
    expect(due.size).toBe(0);
    expect(sentAt.size).toBe(80);

    // Sent exactly once each, as SendGrid saw it; stored as accepted after one attempt.
    expect([...service.sendgrid.receivedLetterIds()].sort()).toEqual([...letterIds].sort());
    const { rows: after } = await service.deps.db.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM letters WHERE id = ANY($1)',
      [letterIds],
    );
    expect(after.every((l) => l.status === 'accepted' && l.attempts === 1)).toBe(true);

    // No rolling 60 minutes holds more than 6 letters to one recipient: any 7 consecutive sends
    // to a recipient span at least an hour.
    const byRecipient = new Map<string, number[]>();
    for (const [id, at] of sentAt) byRecipient.set(recipientOf.get(id)!, [...(byRecipient.get(recipientOf.get(id)!) ?? []), at]);
    for (const [recipient, times] of byRecipient) {
      times.sort((a, b) => a - b);
      for (let i = 0; i + 6 < times.length; i++) {
        expect({ recipient, from: new Date(times[i]).toISOString(), span: times[i + 6] - times[i] >= HOUR }).toEqual({
          recipient,
          from: new Date(times[i]).toISOString(),
          span: true,
        });
      }
    }

    // Every letter went Monday to Friday, 09:00 to 17:00 (17:00 itself is closed), Toronto time.
    for (const [id, at] of sentAt) {
      const local = DateTime.fromMillis(at, { zone: ZONE });
      const minutes = local.hour * 60 + local.minute;
      expect({ id, at: local.toISO(), open: local.weekday <= 5 && minutes >= 9 * 60 && minutes < 17 * 60 }).toEqual({ id, at: local.toISO(), open: true });
    }

    // And pacing does not hold letters longer than it must: the minister's 40 letters need two
    // slots on Friday and under seven hours on Monday (which starts in daylight time).
    const minister = byRecipient.get(MINISTER)!;
    expect(minister).toHaveLength(40);
    const monday = DateTime.fromISO('2025-03-10', { zone: ZONE });
    expect(minister.filter((t) => t < monday.toMillis())).toHaveLength(2);
    expect(minister[2]).toBe(monday.set({ hour: 9 }).toMillis());
    expect(Math.max(...minister)).toBeLessThan(monday.set({ hour: 17 }).toMillis());
    for (const times of byRecipient.values()) expect(times[0]).toBe(start.toMillis());

    // Once accepted, a letter is never sent again.
    const requests = service.sendgrid.requestCount();
    expect(await deliverLetter(deps, letterIds[0], false)).toEqual({ kind: 'skipped' });
    expect(service.sendgrid.requestCount()).toBe(requests);
  });


  // A letter whose send failed (SendGrid 500) comes back for a retry some time after its slot
  // (15 s × 2^n backoff in production). These use later weeks, when the targets' earlier slots are past.
  it('never sends a retried letter after the office has closed', async () => {
    const { letterIds } = await submitMany(service, [supporter()]);
    const [, toMinister] = letterIds;
    // Friday March 14, 16:55: the slot is inside office hours, but SendGrid fails once.
    const { clock, deps } = controlled(DateTime.fromISO('2025-03-14T16:55:00', { zone: ZONE }));
    service.sendgrid.script(500);
    expect((await deliverLetter(deps, toMinister, false)).kind).toBe('retry');
    // The retry comes at 17:01, after closing (six minutes after the slot).
    clock.t = DateTime.fromISO('2025-03-14T17:01:00', { zone: ZONE }).toMillis();
    const outcome = await deliverLetter(deps, toMinister, false);
    expect({ kind: outcome.kind, status: (await service.letter(toMinister)).status }).toEqual({ kind: 'wait', status: 'queued' });
    if (outcome.kind === 'wait') {
      const local = DateTime.fromJSDate(outcome.until, { zone: ZONE });
      expect(local.weekday).toBe(1);
      expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(9 * 60);
    }
  });

  it('never lets a late retry crowd the next letters past the cap', async () => {
    const { letterIds } = await submitMany(service, Array.from({ length: 7 }, () => supporter()));
    const toMinister = letterIds.filter((_, i) => i % 2 === 1);
    // Monday March 24, 09:00: the first of seven letters to the minister fails once.
    const opening = DateTime.fromISO('2025-03-24T09:00:00', { zone: ZONE });
    const { clock, deps } = controlled(opening);
    service.sendgrid.script(500);
    const due = new Map<string, number>();
    for (const id of toMinister) {
      const outcome = await deliverLetter(deps, id, false);
      if (outcome.kind === 'wait') due.set(id, outcome.until.getTime());
      else if (outcome.kind === 'retry') due.set(id, opening.plus({ minutes: 9 }).toMillis()); // backoff: back 9 minutes later
      else throw new Error(`unexpected ${JSON.stringify(outcome)}`);
    }
    const sentAt: number[] = [];
    for (let i = 0; due.size > 0 && i < 24 * 60; i++) {
      for (const [id, at] of [...due]) {
        if (at > clock.t) continue;
        const outcome = await deliverLetter(deps, id, false);
        if (outcome.kind === 'accepted') {
          sentAt.push(clock.t);
          due.delete(id);
        } else if (outcome.kind === 'wait') due.set(id, outcome.until.getTime());
        else throw new Error(`unexpected ${JSON.stringify(outcome)}`);
      }
      clock.t += MINUTE;
    }
    expect(sentAt).toHaveLength(7);
    sentAt.sort((a, b) => a - b);
    const local = sentAt.map((t) => DateTime.fromMillis(t, { zone: ZONE }).toFormat('HH:mm'));
    // Seven letters to one target need at least an hour between the first and the last.
    expect({ sends: local, spanMinutes: (sentAt[6] - sentAt[0]) / MINUTE >= 60 }).toEqual({ sends: local, spanMinutes: true });
  });
});

describe('pacing through the real BullMQ worker', () => {
  let service: TestService;
  let dir: string;

  beforeAll(async () => {
    dir = writeCampaignsDir({ xinjiang: { from: 'xinjiang', set: { pacing: { perTargetPerHour: 3600, officeHours: null } } } });
    service = await startTestService({ workers: false, env: { CAMPAIGNS_DIR: dir, ...PATIENT_SENDGRID } });
  });
  afterAll(async () => {
    await service.close();
    removeCampaignsDir(dir);
  });

  it('delays a paced job to its slot, then sends it: the second letter to the minister goes ≥ 1 s after the first', async () => {
    // Both actions are stored before any worker runs, so both letters to each target compete.
    const { letterIds } = await submitMany(service, [supporter(), supporter()]);
    await service.startWorkers();
    await Promise.all(letterIds.map((id) => service.waitForLetter(id, 'accepted')));

    const { rows } = await service.deps.db.query<{ id: string; recipient_email: string; planned_at: Date | null; attempts: number }>(
      'SELECT id, recipient_email, planned_at, attempts FROM letters WHERE id = ANY($1) ORDER BY planned_at',
      [letterIds],
    );
    const sentAt = new Map(service.sendgrid.accepted().map((m) => [m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id, m.at]));
    expect([...service.sendgrid.receivedLetterIds()].sort()).toEqual([...letterIds].sort());
    for (const recipient of [MINISTER, 'chi.nguyen@parl.gc.ca']) {
      const [first, second] = rows.filter((r) => r.recipient_email === recipient);
      expect(first.planned_at).not.toBeNull();
      expect(second.planned_at).not.toBeNull();
      // Slots one spacing (1 s) apart; each letter sent at or after its slot, the second a second after the first.
      expect(second.planned_at!.getTime() - first.planned_at!.getTime()).toBeGreaterThanOrEqual(1000);
      expect(sentAt.get(first.id)!).toBeGreaterThanOrEqual(first.planned_at!.getTime());
      expect(sentAt.get(second.id)!).toBeGreaterThanOrEqual(second.planned_at!.getTime());
      expect(sentAt.get(second.id)! - first.planned_at!.getTime()).toBeGreaterThanOrEqual(1000);
      // Waiting for a slot does not use up an attempt.
      expect([first.attempts, second.attempts]).toEqual([1, 1]);
    }
    // The worker did see the slots and delayed the jobs (one wait per target at least).
    const waits = (await service.deps.metrics.deliveries.get()).values.find((v) => v.labels.outcome === 'wait')?.value ?? 0;
    expect(waits).toBeGreaterThanOrEqual(2);
  });
});
