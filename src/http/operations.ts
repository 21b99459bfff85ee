// Operators' routes: health for load balancers and orchestrators, metrics for Prometheus.
import { Router, type RequestHandler } from 'express';
import type { Metrics } from '../adapters/metrics';
import type { ServiceAlert } from '../domain/serviceHealth';

export interface HealthCheck {
  name: string;
  check(): Promise<unknown>;
}

/** For monitors and operators: plain English, one line each. */
const ALERT_WORDS: Record<ServiceAlert['code'], string> = {
  sendgrid_refused: 'SendGrid refuses our API key or sender: letters are held (fix SENDGRID_API_KEY or MAIL_FROM; delivery resumes by itself).',
  represent_unreachable: 'Represent has been unreachable for a while: new letters wait for their MP.',
  letters_uncertain: 'Some letters may or may not have reached SendGrid: they wait for its events before any resend.',
  bounce_rate: 'Many letters bounced: check the recipients’ addresses.',
};

/** `metricsGuard`: /metrics shows queue depths and admin activity, so it needs a token (adminAuth.ts). */
export function operations(checks: HealthCheck[], health: { alerts(): Promise<ServiceAlert[]> }, metrics: Metrics, metricsGuard: RequestHandler): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'ok'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const ok = results.every(([, state]) => state === 'ok');
    // Problems that hold letters without stopping this process from taking actions: reported
    // loudly, without taking the web process out of a load balancer. Anyone can read /healthz,
    // so it names the problems and never counts letters (a count that moves tells who acted when).
    const degraded = ok ? (await health.alerts().catch(() => [])).map(({ code, since }) => ({ code, message: ALERT_WORDS[code], ...(since ? { since } : {}) })) : [];
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ ok, checks: Object.fromEntries(results), degraded });
  });
  router.get('/metrics', metricsGuard, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]);
}
