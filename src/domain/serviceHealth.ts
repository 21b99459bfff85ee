// What keeps letters from going out while the service itself is up: SendGrid refusing our key or
// sender, Represent unreachable for a while, letters whose sending is uncertain, too many
// bounces. Campaigners see these as a banner on /admin and as `alerts` in the stats; operators'
// monitors as `degraded` in /healthz, so "up" and "up but not sending" can be told apart.
import type { LetterStatus } from './letterStatus';
import type { Clock, HealthCounts, HealthSignals } from './ports';

export type AlertCode = 'sendgrid_refused' | 'represent_unreachable' | 'letters_uncertain' | 'bounce_rate';

export interface ServiceAlert {
  code: AlertCode;
  /** When the problem began, where known. */
  since?: string;
  /** Letters it concerns: waiting for their MP, uncertain, or bounced. */
  count?: number;
  /** bounce_rate: bounced or dropped, of the letters SendGrid took. */
  percent?: number;
  /** SendGrid's own words for a refusal. */
  detail?: string;
}

export interface HealthPolicy {
  /** Represent is an alert once it has been unreachable this long (a blip is not). */
  representDownAlertMs: number;
  bounceAlertPercent: number;
  /** Below this many letters taken by SendGrid, a rate says nothing. */
  bounceAlertMinimum: number;
}

export interface HealthDeps {
  signals: HealthSignals;
  counts: HealthCounts;
  clock: Clock;
  policy: HealthPolicy;
}

const TAKEN: LetterStatus[] = ['accepted', 'deferred', 'delivered', 'bounced', 'dropped'];

/** The alerts, given the signals and a set of letter counts (one campaign's, or every campaign's). */
export async function alertsFor(deps: HealthDeps, letters: Partial<Record<LetterStatus, number>>): Promise<ServiceAlert[]> {
  const [refusal, downSince] = await Promise.all([
    deps.signals.sendgridRefusal().catch(() => null),
    deps.signals.representDownSince().catch(() => null),
  ]);
  const n = (status: LetterStatus) => letters[status] ?? 0;
  const alerts: ServiceAlert[] = [];
  if (refusal !== null) alerts.push({ code: 'sendgrid_refused', detail: refusal });
  if (downSince && deps.clock.now().getTime() - downSince.getTime() >= deps.policy.representDownAlertMs) {
    alerts.push({ code: 'represent_unreachable', since: downSince.toISOString(), count: n('awaiting_lookup') });
  }
  if (n('uncertain') > 0) alerts.push({ code: 'letters_uncertain', count: n('uncertain') });
  const taken = TAKEN.reduce((sum, s) => sum + n(s), 0);
  const failed = n('bounced') + n('dropped');
  const percent = taken > 0 ? Math.round((failed / taken) * 1000) / 10 : 0;
  if (taken >= deps.policy.bounceAlertMinimum && percent > deps.policy.bounceAlertPercent) alerts.push({ code: 'bounce_rate', count: failed, percent });
  return alerts;
}

/**
 * Every campaign's alerts, for /healthz. The letters are counted at most every `cacheMs` however
 * often a monitor polls; the signals (two Redis reads) are fresh, so a fix shows at once.
 */
export function serviceHealth(deps: HealthDeps, cacheMs: number): { alerts(): Promise<ServiceAlert[]> } {
  type Counts = Partial<Record<LetterStatus, number>>;
  let cached: { at: number; counts: Promise<Counts> } | null = null;
  return {
    alerts() {
      const now = deps.clock.now().getTime();
      if (!cached || now - cached.at >= cacheMs) {
        const counts = deps.counts.recentLetterCounts().then((rows) => Object.fromEntries(rows.map((r) => [r.status, r.count])) as Counts);
        cached = { at: now, counts };
        counts.catch(() => (cached = null));
      }
      return cached.counts.then((counts) => alertsFor(deps, counts));
    },
  };
}
