// The alerts campaigners and monitors see, from the signals and letter counts (in-memory ports).
import { alertsFor, serviceHealth, type HealthDeps } from '../../src/domain/serviceHealth';

const NOW = new Date('2026-12-04T12:00:00Z');

function deps(signals: { refusal?: string | null; downSince?: Date | null } = {}, counts: Record<string, number> = {}): HealthDeps & { countCalls: number } {
  const d = {
    countCalls: 0,
    signals: { sendgridRefusal: async () => signals.refusal ?? null, representDownSince: async () => signals.downSince ?? null },
    counts: {
      recentLetterCounts: async () => {
        d.countCalls += 1;
        return Object.entries(counts).map(([status, count]) => ({ status: status as never, count }));
      },
    },
    clock: { now: () => NOW },
    policy: { representDownAlertMs: 180_000, bounceAlertPercent: 5, bounceAlertMinimum: 20 },
  };
  return d;
}

it('says nothing when all is well', async () => {
  expect(await alertsFor(deps(), { accepted: 100, delivered: 50 })).toEqual([]);
});

it('reports SendGrid refusing our key with its words', async () => {
  expect(await alertsFor(deps({ refusal: 'SendGrid 401: revoked' }), {})).toEqual([{ code: 'sendgrid_refused', detail: 'SendGrid 401: revoked' }]);
});

it('reports Represent only once it has been down longer than the policy, with the letters waiting', async () => {
  const blip = new Date(NOW.getTime() - 60_000);
  expect(await alertsFor(deps({ downSince: blip }), { awaiting_lookup: 4 })).toEqual([]);
  const long = new Date(NOW.getTime() - 180_000);
  expect(await alertsFor(deps({ downSince: long }), { awaiting_lookup: 4 })).toEqual([
    { code: 'represent_unreachable', since: long.toISOString(), count: 4 },
  ]);
});

it('reports uncertain letters, and a bounce rate above the threshold once enough letters were taken', async () => {
  expect(await alertsFor(deps(), { uncertain: 2 })).toEqual([{ code: 'letters_uncertain', count: 2 }]);
  // 2 of 10: a rate, but too few letters to say anything.
  expect(await alertsFor(deps(), { delivered: 8, bounced: 2 })).toEqual([]);
  // 3 of 40 = 7.5 % > 5 %.
  expect(await alertsFor(deps(), { delivered: 37, bounced: 2, dropped: 1 })).toEqual([{ code: 'bounce_rate', count: 3, percent: 7.5 }]);
  // 2 of 40 = 5 %: not above.
  expect(await alertsFor(deps(), { delivered: 38, bounced: 2 })).toEqual([]);
});

it('counts letters for /healthz at most once per cache period, whatever the polling', async () => {
  const d = deps({}, { uncertain: 1 });
  const health = serviceHealth(d, 15_000);
  for (let i = 0; i < 5; i += 1) expect(await health.alerts()).toEqual([{ code: 'letters_uncertain', count: 1 }]);
  expect(d.countCalls).toBe(1);
});
