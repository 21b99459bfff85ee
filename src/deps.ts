// The composition root: every adapter is built here, once, from the config, and handed to the
// domain through its ports. Nothing else in the service constructs a connection or a client.
import type { Redis } from 'ioredis';
import { loadCampaigns, type LoadedCampaigns } from './adapters/campaigns/campaignLoader';
import { openDb, type Db } from './adapters/db';
import type { Logger } from './adapters/logger';
import { outboxMailer } from './adapters/mail/outboxMailer';
import { sendgridMailer } from './adapters/mail/sendgridMailer';
import { createMetrics, type Metrics } from './adapters/metrics';
import { migrate } from './adapters/migrate';
import { createQueues, type Queues } from './adapters/queues';
import { webRedis, whenReady, warnUnlessNoEviction } from './adapters/redis';
import { representClient } from './adapters/represent/representClient';
import { representFinder } from './adapters/represent/representFinder';
import { slidingWindowLimiter } from './adapters/represent/slidingWindowLimiter';
import { actionsRepo } from './adapters/store/actionsRepo';
import { lettersRepo } from './adapters/store/lettersRepo';
import { adminRepo, type AdminRepo } from './adapters/store/adminRepo';
import { signaturesRepo } from './adapters/store/signaturesRepo';
import { campaignSwitchesRepo } from './adapters/store/campaignSwitchesRepo';
import { confirmationsRepo } from './adapters/store/confirmationsRepo';
import { maintenanceRepo } from './adapters/store/maintenanceRepo';
import { cachedCampaignStates } from './adapters/campaigns/campaignStates';
import { cachedCounter } from './adapters/store/cachedCounter';
import { confirmationEmails } from './adapters/mail/confirmationEmails';
import type { CampaignStates, CampaignSwitches } from './domain/campaignLifecycle';
import type { ConfirmationStore, ConfirmDeps, SendConfirmationDeps } from './domain/confirmAction';
import type { MaintenanceDeps } from './domain/runMaintenance';
import type { CampaignCounter } from './domain/campaignView';
import { deliveryEventsRepo } from './adapters/store/deliveryEventsRepo';
import { signatureChecker } from './adapters/mail/sendgridEvents';
import { applyDeliveryEvents, type DeliveryEventStore } from './domain/deliveryEvents';
import { sessions } from './http/adminAuth';
import fs from 'node:fs/promises';
import type { AppDeps } from './app';
import { DEFAULT_REDIS_URL, type Config } from './config';
import type { ActionStore, Clock, LetterStore, Mailer } from './domain/ports';
import type { RepresentativeFinder } from './domain/representatives';
import type { SubmitDeps } from './domain/submitAction';
import { submissionLimits } from './http/rateLimits';
import { LETTER_PARTIALS_DIR, MIGRATIONS_DIR, TEMPLATES_DIR } from './paths';
import { pageRenderer, type PageRenderer } from './adapters/pages';
import { serviceAlerts, type ServiceAlerts } from './adapters/serviceAlerts';
import path from 'node:path';

export interface Deps {
  config: Config;
  log: Logger;
  metrics: Metrics;
  db: Db;
  redis: Redis;
  redisUrl: string;
  campaigns: LoadedCampaigns;
  representatives: RepresentativeFinder;
  queues: Queues;
  actions: ActionStore;
  letters: LetterStore;
  mailer: Mailer;
  clock: Clock;
  submit: SubmitDeps;
  staleClaimMs: number;
  pages: PageRenderer;
  alerts: ServiceAlerts;
  deliveryEvents: DeliveryEventStore;
  admin: AdminRepo;
  /** Applies stored SendGrid events to letters (after the webhook answers, and in the sweeper). */
  applyEvents(): Promise<number>;
  /** Deletes the local outbox's copies of these letters (erasure). */
  forgetCopies(copies: string[]): Promise<number>;
  switches: CampaignSwitches;
  campaignStates: CampaignStates & { forget(slug?: string): void };
  /** The public counter of confirmed actions, cached per process. */
  counter: CampaignCounter & { forget(slug: string): void };
  confirmations: ConfirmationStore;
  confirm: ConfirmDeps;
  sendConfirmation: SendConfirmationDeps;
  maintenance: MaintenanceDeps;
  /** Queues a campaign's letters that waited while it was paused. */
  releaseHeld(slug: string): Promise<number>;
  close(): Promise<void>;
}

export async function buildDeps(config: Config, log: Logger, overrides: { redisUrl?: string } = {}): Promise<Deps> {
  const campaigns = loadCampaigns(config.campaignsDir, LETTER_PARTIALS_DIR);
  const pages = pageRenderer(TEMPLATES_DIR);
  const db = await openDb(config.databaseUrl, config.dataDir);
  await migrate(db, MIGRATIONS_DIR);

  const redisUrl = overrides.redisUrl ?? config.redisUrl ?? DEFAULT_REDIS_URL;
  const redis = webRedis(redisUrl, log);
  if (await whenReady(redis, 3000)) await warnUnlessNoEviction(redis, log);
  else log.warn({}, 'Redis is not answering yet: letters are stored and will be queued when it is back');

  const metrics = createMetrics();
  const representatives = representFinder({
    client: representClient({ baseUrl: config.represent.url, timeoutMs: config.represent.timeoutMs, userAgent: `dearmp (${config.publicUrl})` }),
    redis,
    limiter: slidingWindowLimiter(redis, { key: `${config.redisPrefix}:represent:budget`, max: config.represent.ratePerMinute, windowMs: 60_000 }),
    keyPrefix: config.redisPrefix,
    cacheTtlSeconds: config.represent.cacheTtlSeconds,
    onRequest: (outcome) => metrics.representRequests.inc({ outcome }),
    onCache: (result) => metrics.representCache.inc({ result }),
  });
  const queues = createQueues(redis, { prefix: config.redisPrefix, attempts: config.delivery.attempts, backoffMs: config.delivery.backoffMs });
  const actions = actionsRepo(db);
  const letters = lettersRepo(db);
  const mailer = config.sendgrid.apiKey
    ? sendgridMailer({
        apiKey: config.sendgrid.apiKey,
        apiUrl: config.sendgrid.apiUrl,
        timeoutMs: config.sendgrid.timeoutMs,
        from: config.mailFrom,
        onAnswer: (code) => metrics.sendgridAnswers.inc({ code }),
      })
    : outboxMailer({ dir: path.join(config.dataDir, 'outbox'), from: config.mailFrom });
  const clock: Clock = { now: () => new Date() };
  const deliveryEvents = deliveryEventsRepo(db);
  metrics.watch({
    letterCounts: async () =>
      (await db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM letters GROUP BY status')).rows,
    queueCounts: async () =>
      (
        await Promise.all(
          [queues.letters, queues.lookups].map(async (queue) =>
            Object.entries(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')).map(([state, count]) => ({
              queue: queue.name,
              state,
              count,
            })),
          ),
        )
      ).flat(),
  });
  const outboxDir = path.join(config.dataDir, 'outbox');
  const switches = campaignSwitchesRepo(db);
  // A dashboard switch reaches every other process within this time.
  const campaignStates = cachedCampaignStates(switches, clock, 3000);
  const counter = cachedCounter(actions, 10_000);
  const confirmations = confirmationsRepo(db);
  const forgetCopies = async (ids: string[]) => {
    let removed = 0;
    for (const id of ids) {
      await fs.rm(path.join(outboxDir, `${id}.eml`)).then(
        () => (removed += 1),
        () => undefined,
      );
    }
    return removed;
  };
  const maintenanceStore = maintenanceRepo(db);

  return {
    config,
    log,
    metrics,
    db,
    redis,
    redisUrl,
    campaigns,
    representatives,
    queues,
    actions,
    letters,
    mailer,
    clock,
    // A claim on a letter older than this belongs to a worker that died mid-send.
    staleClaimMs: config.delivery.staleClaimMs,
    alerts: serviceAlerts(redis, config.redisPrefix),
    pages,
    deliveryEvents,
    admin: adminRepo(db),
    applyEvents: () => applyDeliveryEvents({ events: deliveryEvents, letters }),
    forgetCopies,
    switches,
    campaignStates,
    counter,
    confirmations,
    confirm: { confirmations, queue: queues.port, clock, log, onConfirmed: (slug) => counter.forget(slug) },
    sendConfirmation: {
      confirmations,
      mailer,
      write: confirmationEmails(TEMPLATES_DIR, campaigns.catalog, config.publicUrl),
      organisation: (slug, locale) => {
        const { organisation } = campaigns.catalog.get(slug);
        return { name: organisation.name[locale], email: organisation.email };
      },
    },
    maintenance: {
      store: maintenanceStore,
      confirmations,
      queue: queues.port,
      representatives,
      campaigns: campaigns.catalog,
      clock,
      log,
      forgetCopies,
      graceMs: config.delivery.sweepIntervalMs,
      retention: { campaigns: campaigns.catalog, states: campaignStates, store: maintenanceStore, clock, log, forgetCopies },
    },
    async releaseHeld(slug) {
      let released = 0;
      for (let after: string | null = null; ; ) {
        const ids = await letters.queuedOf(slug, after, 500);
        released += await queues.port.ensureDelivery(ids);
        if (ids.length < 500) return released;
        after = ids[ids.length - 1];
      }
    },
    submit: {
      campaigns: campaigns.catalog,
      states: campaignStates,
      representatives,
      renderer: campaigns.renderer,
      actions,
      queue: queues.port,
      clock,
      log,
      onCreated: (campaign) => metrics.actions.inc({ campaign }),
      lookupDelayMs: config.lookupRetryMs,
    },
    async close() {
      await queues.close().catch(() => undefined);
      redis.disconnect();
      await db.close();
    },
  };
}

export function appDeps(deps: Deps): AppDeps {
  const { config } = deps;
  const limits = submissionLimits({
    perIpPerMinute: config.limits.submitPerIpPerMinute,
    perEmailPerHour: config.limits.submitPerEmailPerHour,
    redis: deps.redis,
    prefix: config.redisPrefix,
  });
  const retry = { store: deps.admin, letters: deps.letters, queue: deps.queues.port };
  // The campaigners' switch and the petition bundle: the same for the API and the dashboard.
  const lifecycle = { catalog: deps.campaigns.catalog, switches: deps.switches, states: deps.campaignStates, releaseHeld: (slug: string) => deps.releaseHeld(slug) };
  const bundle = { campaigns: deps.campaigns.catalog, renderer: deps.campaigns.renderer, signatures: signaturesRepo(deps.db), clock: deps.clock };
  const supporterRoutes = {
    campaigns: deps.campaigns.catalog,
    states: deps.campaignStates,
    counter: deps.counter,
    actions: deps.actions,
    submit: deps.submit,
    publicUrl: config.publicUrl,
    submissionLimits: limits.submit,
  };
  return {
    log: deps.log,
    metrics: deps.metrics,
    trustProxy: config.trustProxy,
    healthChecks: [
      { name: 'database', check: () => deps.db.query('SELECT 1') },
      { name: 'redis', check: () => deps.redis.ping() },
    ],
    alerts: deps.alerts,
    api: { ...supporterRoutes, representatives: deps.representatives, previewLimits: limits.preview },
    pages: {
      ...supporterRoutes,
      renderer: deps.pages,
      log: deps.log,
      minFormMs: config.limits.formMinMs,
      confirm: deps.confirm,
    },
    webhook: { verify: signatureChecker(config.sendgrid.webhookPublicKey), events: deps.deliveryEvents, applyEvents: deps.applyEvents, log: deps.log },
    adminApi: {
      adminToken: config.adminToken,
      campaigns: deps.campaigns.catalog,
      store: deps.admin,
      retry,
      erasure: { store: deps.admin, forgetCopies: deps.forgetCopies },
      bundle,
      lifecycle,
    },
    dashboard: {
      renderer: deps.pages,
      sessions: sessions(config.adminToken, config.publicUrl.startsWith('https:')),
      campaigns: deps.campaigns.catalog,
      store: deps.admin,
      retry,
      queues: [deps.queues.letters, deps.queues.lookups],
      lifecycle,
      bundle,
      retention: deps.maintenance.retention,
    },
    assetsDir: path.join(TEMPLATES_DIR, 'assets'),
    frameAncestors: config.frameAncestors,
    corsOrigins: config.corsOrigins,
  };
}
