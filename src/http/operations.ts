// Operators' routes: health for load balancers and orchestrators, metrics for Prometheus.
import { Router, type RequestHandler } from 'express';
import type { Metrics } from '../adapters/metrics';
import type { ServiceAlerts } from '../adapters/serviceAlerts';

export interface HealthCheck {
  name: string;
  check(): Promise<unknown>;
}

/** `metricsGuard`: /metrics shows queue depths and admin activity, so it needs a token (adminAuth.ts). */
export function operations(checks: HealthCheck[], alerts: ServiceAlerts, metrics: Metrics, metricsGuard: RequestHandler): Router {
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
    // loudly, without taking the web process out of a load balancer.
    const warnings = ok ? Object.values(await alerts.current().catch(() => ({}))) : [];
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ ok, checks: Object.fromEntries(results), ...(warnings.length > 0 ? { warnings } : {}) });
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
