import { isStale, LATE_TOLERANCE_MS, nextOpening, planSlot, slotSpacingMs, type OfficeHours, type Pacing } from '../../src/domain/pacing';

const HOUR = 3_600_000;
const weekdays: OfficeHours = { timezone: 'America/Toronto', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
const everyDay: OfficeHours = { ...weekdays, days: [1, 2, 3, 4, 5, 6, 7] };
const at = (iso: string): Date => new Date(iso);

// Toronto wall-clock time computed by Intl, independently of luxon and of the module under test.
const torontoParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Toronto',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const toronto = (date: Date): { weekday: string; date: string; time: string; minutes: number } => {
  const p = Object.fromEntries(torontoParts.formatToParts(date).map((part) => [part.type, part.value]));
  return {
    weekday: p.weekday,
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}:${p.second}`,
    minutes: Number(p.hour) * 60 + Number(p.minute),
  };
};

/** Reserves `count` consecutive slots for one target, all seen by a worker at `now`. */
const reserve = (pacing: Pacing, now: Date, count: number): Date[] => {
  const slots: Date[] = [];
  let nextFree: Date | null = null;
  for (let i = 0; i < count; i++) {
    const planned = planSlot(pacing, now, nextFree);
    slots.push(planned.slot);
    nextFree = planned.nextFree;
  }
  return slots;
};

describe('nextOpening', () => {
  it('returns any instant unchanged when there are no office hours', () => {
    expect(nextOpening(at('2026-01-10T03:17:42.123Z'), null)).toEqual(at('2026-01-10T03:17:42.123Z'));
  });

  it('keeps an instant inside office hours, milliseconds included', () => {
    // Wednesday 2026-01-14 10:15:30.123 EST.
    expect(nextOpening(at('2026-01-14T15:15:30.123Z'), weekdays)).toEqual(at('2026-01-14T15:15:30.123Z'));
  });

  it('moves an early morning to that day’s opening', () => {
    // Wednesday 07:59:59.999 EST → 09:00 EST.
    expect(nextOpening(at('2026-01-14T12:59:59.999Z'), weekdays)).toEqual(at('2026-01-14T14:00:00.000Z'));
  });

  it('allows exactly the opening and one millisecond before closing, but not closing itself', () => {
    expect(nextOpening(at('2026-01-14T14:00:00.000Z'), weekdays)).toEqual(at('2026-01-14T14:00:00.000Z'));
    expect(nextOpening(at('2026-01-14T21:59:59.999Z'), weekdays)).toEqual(at('2026-01-14T21:59:59.999Z'));
    // Wednesday 17:00 EST → Thursday 09:00 EST.
    expect(nextOpening(at('2026-01-14T22:00:00.000Z'), weekdays)).toEqual(at('2026-01-15T14:00:00.000Z'));
  });

  it('skips the weekend: Friday after closing, Saturday and Sunday all go to Monday 09:00', () => {
    const monday = at('2026-01-12T14:00:00.000Z');
    expect(nextOpening(at('2026-01-09T22:00:00.000Z'), weekdays)).toEqual(monday); // Fri 17:00
    expect(nextOpening(at('2026-01-10T17:00:00.000Z'), weekdays)).toEqual(monday); // Sat 12:00
    expect(nextOpening(at('2026-01-12T04:59:59.999Z'), weekdays)).toEqual(monday); // Sun 23:59:59.999
  });

  it('judges the day in the target’s zone, not in UTC', () => {
    // 2026-01-10T02:00Z is Saturday in UTC but still Friday 21:00 in Toronto (closed, after hours).
    expect(nextOpening(at('2026-01-10T02:00:00.000Z'), weekdays)).toEqual(at('2026-01-12T14:00:00.000Z'));
    // 2026-01-12T03:00Z is Monday in UTC but Sunday 22:00 in Toronto.
    expect(nextOpening(at('2026-01-12T03:00:00.000Z'), weekdays)).toEqual(at('2026-01-12T14:00:00.000Z'));
  });

  it('waits a whole week when the only open day has just closed', () => {
    const wednesdays: OfficeHours = { ...weekdays, days: [3] };
    expect(nextOpening(at('2026-01-14T22:00:00.000Z'), wednesdays)).toEqual(at('2026-01-21T14:00:00.000Z'));
  });

  it('works in other zones, including half-hour offsets', () => {
    const stJohns: OfficeHours = { ...weekdays, timezone: 'America/St_Johns' }; // UTC−3:30 in January
    expect(nextOpening(at('2026-01-14T12:00:00.000Z'), stJohns)).toEqual(at('2026-01-14T12:30:00.000Z'));
    const vancouver: OfficeHours = { ...weekdays, timezone: 'America/Vancouver' }; // UTC−8
    expect(nextOpening(at('2026-01-14T20:00:00.000Z'), vancouver)).toEqual(at('2026-01-14T20:00:00.000Z'));
    expect(nextOpening(at('2026-01-14T16:59:00.000Z'), vancouver)).toEqual(at('2026-01-14T17:00:00.000Z'));
  });

  describe('daylight saving time in Toronto', () => {
    // 2026-03-08 (Sunday): 02:00 EST → 03:00 EDT. 2026-11-01 (Sunday): 02:00 EDT → 01:00 EST.
    it('opens at 09:00 local on the spring-forward day (13:00Z, not 14:00Z)', () => {
      expect(nextOpening(at('2026-03-08T05:30:00.000Z'), everyDay)).toEqual(at('2026-03-08T13:00:00.000Z'));
    });

    it('closes at 17:00 local on the spring-forward day', () => {
      expect(nextOpening(at('2026-03-08T20:59:59.999Z'), everyDay)).toEqual(at('2026-03-08T20:59:59.999Z'));
      expect(nextOpening(at('2026-03-08T21:00:00.000Z'), everyDay)).toEqual(at('2026-03-09T13:00:00.000Z'));
    });

    it('opens at 09:00 local on the fall-back day (14:00Z, not 13:00Z)', () => {
      expect(nextOpening(at('2026-11-01T04:30:00.000Z'), everyDay)).toEqual(at('2026-11-01T14:00:00.000Z'));
      // From Saturday after closing (17:30 EDT) across the change.
      expect(nextOpening(at('2026-10-31T21:30:00.000Z'), everyDay)).toEqual(at('2026-11-01T14:00:00.000Z'));
    });

    it('closes at 17:00 local on the fall-back day', () => {
      expect(nextOpening(at('2026-11-01T21:59:59.999Z'), everyDay)).toEqual(at('2026-11-01T21:59:59.999Z'));
      expect(nextOpening(at('2026-11-01T22:00:00.000Z'), everyDay)).toEqual(at('2026-11-02T14:00:00.000Z'));
    });

    it('crosses a DST weekend for a weekday office: Friday after closing → Monday 09:00 in the new offset', () => {
      expect(nextOpening(at('2026-03-06T22:30:00.000Z'), weekdays)).toEqual(at('2026-03-09T13:00:00.000Z'));
      expect(nextOpening(at('2026-10-30T21:30:00.000Z'), weekdays)).toEqual(at('2026-11-02T14:00:00.000Z'));
    });
  });

  it.each<[string, Partial<OfficeHours>]>([
    ['no days', { days: [] }],
    ['day 0', { days: [0] }],
    ['day 8', { days: [1, 8] }],
    ['a fractional day', { days: [1.5] }],
    ['start equal to end', { start: '09:00', end: '09:00' }],
    ['start after end', { start: '17:00', end: '09:00' }],
    ['a malformed time', { start: '9:00' }],
    ['hour 24', { end: '24:00' }],
    ['an unknown zone', { timezone: 'Mars/Olympus_Mons' }],
  ])('throws rather than looping for %s', (_name, change) => {
    expect(() => nextOpening(at('2026-01-14T15:00:00.000Z'), { ...weekdays, ...change })).toThrow(Error);
  });

  it('throws for an invalid date', () => {
    expect(() => nextOpening(new Date(Number.NaN), weekdays)).toThrow(Error);
  });
});

describe('slotSpacingMs', () => {
  it.each([
    [1, 3_720_000],
    [60, 62_000],
    [3600, 1_034],
  ])('spaces %i letters an hour %i ms apart (an hour and the lateness allowed, shared by the cap)', (cap, spacing) => {
    expect(slotSpacingMs({ perTargetPerHour: cap, officeHours: null })).toBe(spacing);
  });

  it('rounds an uneven spacing up, so whole-millisecond slots still respect the cap', () => {
    const spacing = slotSpacingMs({ perTargetPerHour: 7, officeHours: null });
    expect(spacing).toBe(531_429);
    expect(7 * spacing).toBeGreaterThanOrEqual(HOUR + LATE_TOLERANCE_MS);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a cap of %p', (cap) => {
    expect(() => slotSpacingMs({ perTargetPerHour: cap, officeHours: null })).toThrow(Error);
  });
});

describe('planSlot', () => {
  const anyTime: Pacing = { perTargetPerHour: 7, officeHours: null };
  const spacing = 531_429;

  it('without office hours, spaces slots exactly one spacing apart starting at now', () => {
    const now = at('2026-01-10T03:17:42.123Z');
    const slots = reserve(anyTime, now, 50);
    slots.forEach((slot, i) => expect(slot.getTime()).toBe(now.getTime() + i * spacing));
  });

  it('returns the target’s next free slot one spacing after the slot', () => {
    const now = at('2026-01-14T15:00:00.000Z');
    expect(planSlot(anyTime, now, null)).toEqual({ slot: now, nextFree: new Date(now.getTime() + spacing) });
  });

  it('uses now when the target’s next free slot is already past', () => {
    const now = at('2026-01-14T15:00:00.000Z');
    const planned = planSlot(anyTime, now, at('2026-01-14T14:00:00.000Z'));
    expect(planned).toEqual({ slot: now, nextFree: new Date(now.getTime() + spacing) });
  });

  it('waits for the target’s next free slot when it is in the future', () => {
    const nextFree = at('2026-01-14T15:30:00.500Z');
    const planned = planSlot(anyTime, at('2026-01-14T15:00:00.000Z'), nextFree);
    expect(planned).toEqual({ slot: nextFree, nextFree: new Date(nextFree.getTime() + spacing) });
  });

  it('moves a next free slot at exactly closing time to the next opening', () => {
    const pacing: Pacing = { perTargetPerHour: 7, officeHours: weekdays };
    // Thursday 17:00 EST → Friday 09:00 EST.
    const planned = planSlot(pacing, at('2026-01-15T21:00:00.000Z'), at('2026-01-15T22:00:00.000Z'));
    expect(planned.slot).toEqual(at('2026-01-16T14:00:00.000Z'));
    expect(planned.nextFree).toEqual(new Date(at('2026-01-16T14:00:00.000Z').getTime() + spacing));
  });

  it('moves a past next free slot and an out-of-hours now to the next opening', () => {
    const pacing: Pacing = { perTargetPerHour: 7, officeHours: weekdays };
    // Saturday noon, reservation from Friday.
    const planned = planSlot(pacing, at('2026-01-10T17:00:00.000Z'), at('2026-01-09T20:00:00.000Z'));
    expect(planned.slot).toEqual(at('2026-01-12T14:00:00.000Z'));
  });

  describe.each([
    ['an ordinary week', '2026-01-09T21:30:00.000Z', '2026-01-12T14:00:00.000Z'],
    ['the spring-forward weekend', '2026-03-06T21:30:00.000Z', '2026-03-09T13:00:00.000Z'],
    ['the fall-back weekend', '2026-10-30T20:30:00.000Z', '2026-11-02T14:00:00.000Z'],
  ])('500 letters to one target from Friday 16:30 Toronto across %s, 7/hour, Mon–Fri 09:00–17:00', (_name, fridayIso, mondayIso) => {
    const pacing: Pacing = { perTargetPerHour: 7, officeHours: weekdays };
    const slots = reserve(pacing, at(fridayIso), 500);

    it('starts at Friday 16:30 and fits four letters before closing; the fifth is Monday 09:00', () => {
      expect(toronto(at(fridayIso))).toMatchObject({ weekday: 'Fri', time: '16:30:00' });
      expect(slots[0]).toEqual(at(fridayIso));
      expect(slots.slice(0, 4).map((s) => toronto(s).weekday)).toEqual(['Fri', 'Fri', 'Fri', 'Fri']);
      expect(slots[3].getTime()).toBe(at(fridayIso).getTime() + 3 * spacing); // 16:56:34.287
      expect(slots[4]).toEqual(at(mondayIso));
      expect(toronto(slots[4])).toMatchObject({ weekday: 'Mon', time: '09:00:00' });
    });

    it('puts every slot inside office hours in Toronto local time', () => {
      for (const slot of slots) {
        const local = toronto(slot);
        expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(local.weekday);
        expect(local.minutes).toBeGreaterThanOrEqual(9 * 60);
        expect(local.minutes).toBeLessThan(17 * 60);
      }
    });

    it('never puts more than 7 slots in any rolling 60-minute window', () => {
      // Sorted slots: a window [t, t + 1 h) holding 8 would mean slots[i + 7] - slots[i] < 1 h.
      for (let i = 0; i + 7 < slots.length; i++) {
        expect(slots[i + 7].getTime() - slots[i].getTime()).toBeGreaterThanOrEqual(HOUR);
      }
    });

    it('keeps consecutive slots at least one spacing apart, and exactly one apart within a day', () => {
      for (let i = 1; i < slots.length; i++) {
        const gap = slots[i].getTime() - slots[i - 1].getTime();
        expect(gap).toBeGreaterThanOrEqual(spacing);
        if (toronto(slots[i]).date === toronto(slots[i - 1]).date) expect(gap).toBe(spacing);
        else expect(toronto(slots[i]).time).toBe('09:00:00'); // a new day starts at opening
      }
    });
  });
});

describe('isStale', () => {
  const pacing: Pacing = { perTargetPerHour: 60, officeHours: weekdays };
  const plannedAt = at('2026-01-14T15:00:00.000Z'); // Wednesday 10:00 in Toronto

  it('is false before its slot, at it, and up to the lateness allowed', () => {
    expect(isStale(pacing, plannedAt, at('2026-01-14T14:59:00.000Z'))).toBe(false);
    expect(isStale(pacing, plannedAt, plannedAt)).toBe(false);
    expect(isStale(pacing, plannedAt, new Date(plannedAt.getTime() + LATE_TOLERANCE_MS))).toBe(false);
  });

  it('is true once later than that (a retry, an outage), whatever the cap', () => {
    expect(isStale(pacing, plannedAt, new Date(plannedAt.getTime() + LATE_TOLERANCE_MS + 1))).toBe(true);
    expect(isStale({ perTargetPerHour: 1, officeHours: null }, plannedAt, new Date(plannedAt.getTime() + LATE_TOLERANCE_MS + 1))).toBe(true);
    expect(isStale(pacing, plannedAt, at('2026-01-19T15:00:00.000Z'))).toBe(true);
  });

  it('is true when the office closed since its slot, even a minute late', () => {
    const lastSlot = at('2026-01-14T21:59:30.000Z'); // 16:59:30 in Toronto
    expect(isStale(pacing, lastSlot, at('2026-01-14T22:00:30.000Z'))).toBe(true);
    expect(isStale({ ...pacing, officeHours: null }, lastSlot, at('2026-01-14T22:00:30.000Z'))).toBe(false);
  });
});
