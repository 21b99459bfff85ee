// Per-target pacing: a cap on letters per hour to one MP or minister, and optional office hours.
// Each letter reserves a slot when a worker first sees it; slots for one target are at least
// `slotSpacingMs` apart, so no rolling 60-minute window holds more than the cap, and every slot
// is inside office hours. Pure functions: the caller keeps the target's `nextFree`.
import { DateTime } from 'luxon';

export interface OfficeHours {
  /** IANA zone, America/Toronto by default (the campaign loader fills the default). */
  timezone: string;
  /** ISO weekdays on which the office is open: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local opening and closing times, "HH:MM" (24 h); letters are sent at or after start and strictly before end. */
  start: string;
  end: string;
}

export interface Pacing {
  perTargetPerHour: number; // integer ≥ 1
  officeHours: OfficeHours | null; // null = any time
}

const HOUR_MS = 3_600_000;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

const clock = (value: string, name: string): { hour: number; minute: number } => {
  const match = CLOCK.exec(value);
  if (!match) throw new Error(`office hours ${name} must be "HH:MM", got ${JSON.stringify(value)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
};

/** `from` itself when it is inside office hours (or hours is null), else the next opening. */
export function nextOpening(from: Date, hours: OfficeHours | null): Date {
  if (Number.isNaN(from.getTime())) throw new Error('nextOpening needs a valid date');
  if (hours === null) return new Date(from.getTime());
  // Validated here as well as in the loader: bad hours would otherwise never match a day.
  if (hours.days.length === 0 || !hours.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
    throw new Error('office hours need at least one day, each 1 (Monday) … 7 (Sunday)');
  }
  const start = clock(hours.start, 'start');
  const end = clock(hours.end, 'end');
  if (start.hour * 60 + start.minute >= end.hour * 60 + end.minute) {
    throw new Error('office hours start must come before end');
  }
  const local = DateTime.fromJSDate(from, { zone: hours.timezone });
  if (!local.isValid) throw new Error(`unknown time zone ${JSON.stringify(hours.timezone)}`);

  // Open and close are built from the local calendar day, so on a DST change the office still
  // opens at its wall-clock time (not 24 h after the previous opening). Today plus seven more
  // days always reaches an open day whose opening is after `from`.
  const today = local.startOf('day');
  for (let offset = 0; offset <= 7; offset++) {
    const day = today.plus({ days: offset });
    if (!hours.days.includes(day.weekday)) continue;
    const open = day.set({ ...start, second: 0, millisecond: 0 }).toMillis();
    const close = day.set({ ...end, second: 0, millisecond: 0 }).toMillis();
    const t = from.getTime();
    if (t < open) return new Date(open);
    if (t < close) return new Date(t); // inside: keep the exact instant, milliseconds included
  }
  throw new Error('no office opening found within a week'); // unreachable with validated hours
}

/**
 * How late a letter may still go in its own slot. A worker never sends exactly on time (queue
 * promotion, a busy worker), so slots are spaced by (1 h + this) / cap: then cap + 1 letters, each
 * sent at most this late, can never fall inside one hour. Later than this, it takes a new slot.
 */
export const LATE_TOLERANCE_MS = 120_000;

/**
 * Spacing between two letters to one target: see LATE_TOLERANCE_MS. Rounded up to a whole
 * millisecond, because a Date drops fractions (truncated, cap + 1 slots could fit in an hour).
 */
export function slotSpacingMs(pacing: Pacing): number {
  if (!Number.isInteger(pacing.perTargetPerHour) || pacing.perTargetPerHour < 1) {
    throw new Error('perTargetPerHour must be an integer ≥ 1');
  }
  return Math.ceil((HOUR_MS + LATE_TOLERANCE_MS) / pacing.perTargetPerHour);
}

/**
 * The slot for the next letter to a target: the first opening at or after max(now, nextFree);
 * and the target's next free slot after it (slot + spacing). `nextFree` null = the target has no reservation yet.
 */
export function planSlot(pacing: Pacing, now: Date, nextFree: Date | null): { slot: Date; nextFree: Date } {
  const spacing = slotSpacingMs(pacing);
  // A reservation in the past is no constraint: the target has been quiet for at least a spacing.
  const earliest = nextFree !== null && nextFree.getTime() > now.getTime() ? nextFree : now;
  const slot = nextOpening(earliest, pacing.officeHours);
  return { slot, nextFree: new Date(slot.getTime() + spacing) };
}

/**
 * True when a letter whose slot has come must take a new one instead of going now: it is more
 * than LATE_TOLERANCE_MS late (the retry of a failed attempt, a worker outage), or the office has
 * closed since its slot. Before its slot it is never stale: it waits.
 */
export function isStale(pacing: Pacing, plannedAt: Date, now: Date): boolean {
  const late = now.getTime() - plannedAt.getTime();
  if (late <= 0) return false;
  return late > LATE_TOLERANCE_MS || nextOpening(now, pacing.officeHours).getTime() !== now.getTime();
}
