// createApp(deps): middleware, routes and the error handler. It never listens, so tests drive it
// directly with supertest and main.ts decides where it runs.
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from './adapters/logger';
import type { Metrics } from './adapters/metrics';
import type { ServiceAlert } from './domain/serviceHealth';
import { errorHandler, notFound } from './http/errorResponse';
import { operations, type HealthCheck } from './http/operations';
import { adminApi, type AdminApiDeps } from './http/adminApi';
import { requireMetricsToken } from './http/adminAuth';
import { dashboard, type DashboardDeps } from './http/pages/dashboard';
import { supporterPages, type SupporterPagesDeps } from './http/pages/supporterPages';
import { sendgridWebhook, type WebhookDeps } from './http/webhook';
import { publicApi, type PublicApiDeps } from './http/publicApi';

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  trustProxy: boolean | number | string;
  healthChecks: HealthCheck[];
  /** Bearer tokens that may read /metrics (the metrics token, the admin token). */
  metricsTokens: Array<string | undefined>;
  /** What keeps letters from going out, for /healthz's `degraded`. */
  health: { alerts(): Promise<ServiceAlert[]> };
  api: PublicApiDeps;
  pages: SupporterPagesDeps;
  webhook: WebhookDeps;
  adminApi: AdminApiDeps;
  dashboard: DashboardDeps;
  assetsDir: string;
  /** Sites that may frame the pages (CSP frame-ancestors). */
  frameAncestors: string[];
  /** Origins whose browsers may call /api (CORS); empty = same origin only. */
  corsOrigins: string[];
}

// Logs method, route and timing only: URLs can carry a status token, bodies personal data.
function requestLog(log: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (log.isLevelEnabled('debug')) log.debug({ method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };
}

// The security headers are the same on every answer: helmet works them out once here, and each
// request gets them copied, instead of passing through helmet's dozen middlewares.
function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const headers: Array<[string, string]> = [];
  const probe = {
    setHeader: (name: string, value: string | number | readonly string[]) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let synchronous = false;
  void middleware({ headers: {}, method: 'GET', url: '/' } as never, probe as never, () => (synchronous = true));
  if (!synchronous) return middleware; // not as expected: let it run per request
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.set('trust proxy', deps.trustProxy);
  app.disable('x-powered-by');
  app.use(
    fixedHeaders(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            // MP photos come from the House of Commons site; nothing else leaves this server.
            imgSrc: ["'self'", 'data:', 'https://www.ourcommons.ca'],
            connectSrc: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'self'", ...deps.frameAncestors],
            baseUri: ["'self'"],
            objectSrc: ["'none'"],
          },
        },
        // frame-ancestors decides who may frame the pages; X-Frame-Options cannot list sites.
        xFrameOptions: deps.frameAncestors.length > 0 ? false : { action: 'sameorigin' },
        referrerPolicy: { policy: 'same-origin' },
      }),
    ),
  );
  app.use(requestLog(deps.log, deps.metrics));
  // Only when some origin may call the API: otherwise there is nothing to add to any answer.
  if (deps.corsOrigins.length > 0) app.use('/api', cors({ origin: deps.corsOrigins, maxAge: 600 }));
  // The supporters' API first: it is what a busy campaign is busy with. Its routes cannot match
  // /api/admin/… (they start /api/campaigns/ or /api/actions/), so those pass through to adminApi.
  app.use('/api', publicApi(deps.api));
  app.use('/api/admin', adminApi(deps.adminApi));
  app.use(operations(deps.healthChecks, deps.health, deps.metrics, requireMetricsToken(deps.metricsTokens)));
  app.use('/assets', express.static(deps.assetsDir, { maxAge: '1h', index: false }));
  // The embed script is loaded by the organisation's own pages, from their origin.
  app.get('/embed.js', (_req, res) => {
    res.set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'public, max-age=3600' });
    res.sendFile(path.join(deps.assetsDir, 'embed.js'));
  });
  app.use(sendgridWebhook(deps.webhook));
  app.use(dashboard(deps.dashboard));
  app.use(supporterPages(deps.pages));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
