// Prometheus metrics (prom-client), one registry per process role set.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  representRequests: Counter<'outcome'>;
  deliveries: Counter<'outcome'>;
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'dearmp_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'dearmp_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    representRequests: new Counter({
      name: 'dearmp_represent_requests_total',
      help: 'Requests to Represent by outcome (budget = not sent: the shared rate budget was spent)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'dearmp_letter_deliveries_total',
      help: 'Delivery attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
