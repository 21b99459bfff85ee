// Prometheus metrics (prom-client), one registry per process. Counters are bumped where things
// happen; letters by status and queue depth are read when Prometheus scrapes.
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queryable } from './db';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  actions: Counter<'campaign'>;
  representRequests: Counter<'outcome'>;
  representCache: Counter<'result'>;
  sendgridAnswers: Counter<'code'>;
  deliveries: Counter<'outcome'>;
  /** Tells the scrape-time gauges where to read from: the letters table and the queues (the composition root calls it once). */
  watch(db: Queryable, queues: Queue[]): void;
}

interface Sources {
  letterCounts(): Promise<Array<{ status: string; count: number }>>;
  queueCounts(): Promise<Array<{ queue: string; state: string; count: number }>>;
}

function sourcesOf(db: Queryable, queues: Queue[]): Sources {
  return {
    letterCounts: async () => (await db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM letters GROUP BY status')).rows,
    queueCounts: async () =>
      (
        await Promise.all(
          queues.map(async (queue) =>
            Object.entries(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')).map(([state, count]) => ({ queue: queue.name, state, count })),
          ),
        )
      ).flat(),
  };
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'dearmp_' });
  let sources: Sources | null = null;

  new Gauge({
    name: 'dearmp_letters',
    help: 'Letters by status, all campaigns',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!sources) return;
      this.reset();
      for (const { status, count } of await sources.letterCounts().catch(() => [])) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'dearmp_queue_jobs',
    help: 'Jobs in the BullMQ queues by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!sources) return;
      this.reset();
      for (const { queue, state, count } of await sources.queueCounts().catch(() => [])) this.set({ queue, state }, count);
    },
  });

  return {
    registry,
    httpDuration: new Histogram({
      name: 'dearmp_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    actions: new Counter({ name: 'dearmp_actions_total', help: 'Actions taken (new ones, not repeats)', labelNames: ['campaign'], registers: [registry] }),
    representRequests: new Counter({
      name: 'dearmp_represent_requests_total',
      help: 'Requests to Represent by outcome (budget = not sent: the shared rate budget was spent)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    representCache: new Counter({ name: 'dearmp_represent_cache_total', help: 'Represent lookups answered from the cache (hit), the postal-code directory (directory), neither (miss), or the directory while Represent could not answer (stale)', labelNames: ['result'], registers: [registry] }),
    sendgridAnswers: new Counter({ name: 'dearmp_sendgrid_answers_total', help: 'SendGrid Mail Send answers by HTTP code (or timeout/network)', labelNames: ['code'], registers: [registry] }),
    deliveries: new Counter({ name: 'dearmp_letter_deliveries_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    watch(db, queues) {
      sources = sourcesOf(db, queues);
    },
  };
}
