// The composition root. buildAdapters makes every connection, client and repository once, from the
// config; webDeps and workerDeps hand each role exactly what its routes and processors use. Only
// building happens here: behaviour lives in the domain (src/domain) and the adapters.
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { AppDeps } from './app';
import { campaignLibrary, type CampaignLibrary } from './adapters/campaigns/campaignLibrary';
import { campaignVersionsRepo } from './adapters/store/campaignVersionsRepo';
import { auditLogRepo } from './adapters/store/auditLogRepo';
import { textToHtml } from './adapters/campaigns/letterTemplates';
import { cachedCampaignStates } from './adapters/campaigns/campaignStates';
import { openDb, type Db } from './adapters/db';
import { databaseStartupError } from './adapters/whereabouts';
import type { Logger } from './adapters/logger';
import { supporterEmailWriter, type SupporterEmailWriter } from './adapters/mail/supporterEmailTemplates';
import { formStamps, type FormStamps } from './adapters/formStamps';
import { serviceSecret } from './adapters/store/serviceSecrets';
import { supporterEmailsRepo } from './adapters/store/supporterEmailsRepo';
import { outboxCopies, outboxMailer } from './adapters/mail/outboxMailer';
import { sendgridEvents } from './adapters/mail/sendgridEvents';
import { sendGate, sendgridHold, sendgridRefusal } from './adapters/mail/sendGate';
import { serviceHealth } from './domain/serviceHealth';
import { sendgridMailer } from './adapters/mail/sendgridMailer';
import { createMetrics, type Metrics } from './adapters/metrics';
import { migrate } from './adapters/migrate';
import { pageRenderer, type PageRenderer } from './adapters/pages';
import { queuePolicies, type QueuePolicies } from './adapters/queuePolicies';
import { createQueues, type Queues } from './adapters/queues';
import { allowance, emailAllowance, rateCounter } from './adapters/rateCounter';
import { adminSessionsRepo, type AdminSessionStore } from './adapters/store/adminSessionsRepo';
import { accountsRepo } from './adapters/store/accountsRepo';
import { campaignImages, type CampaignImages } from './adapters/campaigns/campaignImages';
import { signInEmailWriter } from './adapters/mail/signInEmail';
import { randomUUID } from 'node:crypto';
import { webRedis, whenReady, warnUnlessNoEviction } from './adapters/redis';
import { representClient } from './adapters/represent/representClient';
import { representFinder } from './adapters/represent/representFinder';
import { postcodeDirectory } from './adapters/represent/postcodeDirectory';
import { legislaturesRepo } from './adapters/store/legislaturesRepo';
import { addressCorrectionsRepo } from './adapters/store/addressCorrectionsRepo';
import { crmRepo } from './adapters/store/crmRepo';
import { crmSender } from './adapters/crm/crmSender';
import { refreshPostcode } from './domain/refreshPostcode';
import { withBreaker } from './adapters/represent/representBreaker';
import { slidingWindowLimiter } from './adapters/represent/slidingWindowLimiter';
import { outages, type Outages } from './adapters/outages';
import { actionsRepo } from './adapters/store/actionsRepo';
import { adminRepo, type AdminRepo } from './adapters/store/adminRepo';
import { cachedCounter, withCounterOffset } from './adapters/store/cachedCounter';
import { campaignSwitchesRepo } from './adapters/store/campaignSwitchesRepo';
import { confirmationsRepo } from './adapters/store/confirmationsRepo';
import { deliveryEventsRepo } from './adapters/store/deliveryEventsRepo';
import { lettersRepo } from './adapters/store/lettersRepo';
import { maintenanceRepo } from './adapters/store/maintenanceRepo';
import { signaturesRepo } from './adapters/store/signaturesRepo';
import { DEFAULT_REDIS_URL, type Config } from './config';
import { applyDeliveryEvents } from './domain/deliveryEvents';
import type {
  ActionStore,
  CampaignCounter,
  CampaignStates,
  CampaignSwitches,
  Clock,
  ConfirmationStore,
  DeliveryEventStore,
  LegislatureStore,
  CrmStore,
  LetterStore,
  MailCopies,
  Mailer,
  MaintenanceStore,
  RepresentativeFinder,
  RetentionStore,
  SignatureStore,
  SupporterEmailStore,
  CampaignDefinitions,
  AuditLog,
  AccountStore,
} from './domain/ports';
import { sessions } from './http/adminAuth';
import { rateLimits } from './http/rateLimits';
import { LETTER_PARTIALS_DIR, MIGRATIONS_DIR, TEMPLATES_DIR } from './paths';
import type { WorkerDeps } from '../workers';
import type { Locale } from './domain/campaign';

/** Every adapter of the service, built once. */
export interface Adapters {
  config: Config;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
  db: Db;
  redis: Redis;
  /** The Redis the service uses: REDIS_URL, or the private one `npm start` began. */
  redisUrl: string;
  policies: QueuePolicies;
  queues: Queues;
  /** The published campaigns, compiled in memory and kept up to date (campaignLibrary.ts). */
  campaigns: CampaignLibrary;
  campaignVersions: CampaignDefinitions;
  audit: AuditLog;
  pages: PageRenderer;
  representatives: RepresentativeFinder;
  mailer: Mailer;
  /** The local outbox's copies of sent emails (erasure, expiry and retention remove them). */
  copies: MailCopies;
  /** The emails to supporters about their own action: confirmation requests, receipts, notes. */
  supporterEmailWriter: SupporterEmailWriter;
  /** The forms' signed times. */
  stamps: FormStamps;
  outages: Outages;
  actions: ActionStore;
  letters: LetterStore;
  admin: AdminRepo;
  signatures: SignatureStore;
  switches: CampaignSwitches;
  confirmations: ConfirmationStore;
  supporterEmails: SupporterEmailStore;
  maintenanceStore: MaintenanceStore & RetentionStore;
  deliveryEvents: DeliveryEventStore;
  adminSessions: AdminSessionStore;
  /** Campaigners' accounts, sign-in links and API tokens. */
  accounts: AccountStore;
  /** The organisations' uploaded images, resized. */
  images: CampaignImages;
  /** Each campaign's state (definition, dates, switch), cached per process. */
  campaignStates: CampaignStates & { forget(slug?: string): void };
  /** The public counter of confirmed actions, cached per process. */
  counter: CampaignCounter & { forget(slug: string): void };
  /** The posts to the organisation's CRM. */
  crm: CrmStore;
  /** Dissolved and sitting legislatures (the dissolved ones cached per process). */
  legislatures: LegislatureStore & { forget(): void };
  close(): Promise<void>;
}

/** A publish reaches every other process within this time. */
const CAMPAIGN_REFRESH_MS = 2000;
/** A dashboard switch (a campaign's, a legislature's) reaches every other process within this time. */
const CAMPAIGN_STATE_TTL_MS = 3000;
/** /healthz counts letters at most this often, however often a monitor polls. */
const HEALTH_CACHE_MS = 15_000;
/** The public counter is at most this old. */
const COUNTER_TTL_MS = 10_000;

export async function buildAdapters(config: Config, log: Logger, overrides: { redisUrl?: string } = {}): Promise<Adapters> {
  const pages = pageRenderer(TEMPLATES_DIR);
  const db = await openDb(config.databaseUrl, config.dataDir);
  await migrate(db, MIGRATIONS_DIR).catch((error: unknown) => {
    throw config.databaseUrl ? databaseStartupError(config.databaseUrl, error) : error;
  });
  const campaignVersions = campaignVersionsRepo(db);
  const campaigns = await campaignLibrary(campaignVersions, { campaignsDir: config.campaignsDir, partialsDir: LETTER_PARTIALS_DIR, log, refreshMs: CAMPAIGN_REFRESH_MS });

  const redisUrl = overrides.redisUrl ?? config.redisUrl ?? DEFAULT_REDIS_URL;
  const redis = webRedis(redisUrl, log);
  if (await whenReady(redis, 3000)) await warnUnlessNoEviction(redis, log);
  else log.warn({}, 'Redis is not answering yet: letters are stored and will be queued when it is back');

  const clock: Clock = { now: () => new Date() };
  const metrics = createMetrics();
  const policies = queuePolicies(config);
  const queues = createQueues(redis, config.redisPrefix, policies);
  metrics.watch(db, [queues.letters, queues.lookups]);
  const outboxDir = path.join(config.dataDir, 'outbox');
  const actions = actionsRepo(db);
  const switches = campaignSwitchesRepo(db);
  const outageLog = outages(redis, config.redisPrefix);

  return {
    config,
    log,
    metrics,
    clock,
    db,
    redis,
    redisUrl,
    policies,
    queues,
    campaigns,
    campaignVersions,
    audit: auditLogRepo(db),
    pages,
    representatives: representFinder({
      client: withBreaker(representClient({ baseUrl: config.represent.url, timeoutMs: config.represent.timeoutMs, userAgent: `dearmp (${config.publicUrl})` }), {
        ...config.represent.breaker,
        onState: (state) => void (state === 'open' ? outageLog.down('represent') : outageLog.up('represent')).catch(() => undefined),
      }),
      redis,
      limiter: slidingWindowLimiter(redis, {
        key: `${config.redisPrefix}:represent:budget`,
        max: config.represent.ratePerMinute,
        windowMs: 60_000,
        visitorMax: Math.max(1, Math.floor(config.represent.ratePerMinute * config.represent.visitorShare)),
      }),
      keyPrefix: config.redisPrefix,
      cacheTtlSeconds: config.represent.cacheTtlSeconds,
      directory: postcodeDirectory(db),
      refreshAfterMs: config.represent.refreshAfterMs,
      now: () => clock.now().getTime(),
      onRequest: (outcome) => metrics.representRequests.inc({ outcome }),
      onCache: (result) => metrics.representCache.inc({ result }),
    }),
    mailer: config.sendgrid.apiKey
      ? sendgridMailer({
          apiKey: config.sendgrid.apiKey,
          apiUrl: config.sendgrid.apiUrl,
          timeoutMs: config.sendgrid.timeoutMs,
          from: config.mailFrom,
          onAnswer: (code) => metrics.sendgridAnswers.inc({ code }),
        })
      : outboxMailer({ dir: outboxDir, from: config.mailFrom }),
    copies: outboxCopies(outboxDir),
    supporterEmailWriter: supporterEmailWriter(TEMPLATES_DIR, campaigns.catalog, config.publicUrl),
    stamps: formStamps({ secret: config.formSecret ?? (await serviceSecret(db, 'form')), minFormMs: config.limits.formMinMs, redis, prefix: config.redisPrefix }),
    outages: outageLog,
    actions,
    letters: lettersRepo(db),
    admin: adminRepo(db),
    signatures: signaturesRepo(db),
    switches,
    confirmations: confirmationsRepo(db),
    supporterEmails: supporterEmailsRepo(db, (slug) => campaigns.catalog.get(slug).kind),
    maintenanceStore: maintenanceRepo(db),
    deliveryEvents: deliveryEventsRepo(db),
    adminSessions: adminSessionsRepo(db),
    accounts: accountsRepo(db),
    images: campaignImages(db),
    campaignStates: cachedCampaignStates(switches, clock, CAMPAIGN_STATE_TTL_MS),
    counter: withCounterOffset(cachedCounter(actions, COUNTER_TTL_MS), campaigns.catalog),
    legislatures: legislaturesRepo(db, CAMPAIGN_STATE_TTL_MS),
    crm: crmRepo(db, (slug) => {
      const campaign = campaigns.catalog.list().find((c) => c.slug === slug);
      return campaign ? campaign.title[campaign.locales[0]] : slug;
    }),
    async close() {
      campaigns.stop();
      await queues.close().catch(() => undefined);
      redis.disconnect();
      await db.close();
    },
  };
}

/** What the web role's routes use. */
export function webDeps(a: Adapters): AppDeps {
  const { config } = a;
  const catalog = a.campaigns.catalog;
  const limits = rateLimits({
    perIpPerMinute: config.limits.submitPerIpPerMinute,
    unverifiedPerIpPerMinute: config.limits.submitUnverifiedPerIpPerMinute,
    lookupsPerIpPerMinute: config.limits.lookupsPerIpPerMinute,
    actionsPerMailboxPerHour: config.limits.submitPerEmailPerHour,
    counter: rateCounter(a.redis),
    prefix: config.redisPrefix,
  });
  const submit = {
    campaigns: catalog,
    states: a.campaignStates,
    representatives: a.representatives,
    renderer: a.campaigns.renderer,
    legislatures: a.legislatures,
    actions: a.actions,
    supporterEmails: a.supporterEmails,
    emailAllowance: emailAllowance(a.redis, { prefix: config.redisPrefix }),
    queue: a.queues.port,
    clock: a.clock,
    log: a.log,
    onCreated: (campaign: string) => a.metrics.actions.inc({ campaign }),
    lookupDelayMs: config.lookupRetryMs,
  };
  const supporterRoutes = {
    campaigns: catalog,
    states: a.campaignStates,
    counter: a.counter,
    actions: a.actions,
    submit,
    publicUrl: config.publicUrl,
    outbox: !config.sendgrid.apiKey,
    limits,
    stamps: a.stamps,
  };
  const retry = { store: a.admin, letters: a.letters, queue: a.queues.port, audit: a.audit };
  const authoring = {
    definitions: a.campaignVersions,
    checker: a.campaigns.checker,
    catalog,
    states: a.campaignStates,
    refresh: () => a.campaigns.refresh(),
    representatives: a.representatives,
    legislatures: a.legislatures,
    clock: a.clock,
    html: textToHtml,
    audit: a.audit,
  };
  const health = {
    signals: {
      sendgridRefusal: sendgridRefusal(a.redis, config.redisPrefix),
      representDownSince: async () => (await a.outages.downSince()).represent ?? null,
    },
    counts: a.admin,
    clock: a.clock,
    policy: { representDownAlertMs: config.represent.downAlertMs, bounceAlertPercent: config.bounceAlert.percent, bounceAlertMinimum: config.bounceAlert.minimum },
  };
  // The campaigners' switch and the petition bundle: the same for the API and the dashboard.
  const lifecycle = { catalog, switches: a.switches, states: a.campaignStates, letters: a.letters, queue: a.queues.port, audit: a.audit };
  const bundle = { campaigns: catalog, renderer: a.campaigns.renderer, signatures: a.signatures, clock: a.clock };
  const accounts = { accounts: a.accounts, audit: a.audit };
  const elections = { legislatures: a.legislatures, queue: a.queues.port, audit: a.audit, clock: a.clock };
  const addresses = { corrections: addressCorrectionsRepo(a.db), queue: a.queues.port, audit: a.audit };
  const moveLetters = { letters: a.letters, versions: a.campaigns.versions, audit: a.audit, clock: a.clock };
  const signIn = {
    accounts: a.accounts,
    mailer: a.mailer,
    clock: a.clock,
    log: a.log,
    write: signInEmailWriter(config.publicUrl),
    replyTo: { email: config.mailFrom.email, name: config.mailFrom.name ?? 'dearmp' },
    newId: randomUUID,
  };
  return {
    log: a.log,
    metrics: a.metrics,
    trustProxy: config.trustProxy,
    healthChecks: [
      { name: 'database', check: () => a.db.query('SELECT 1') },
      { name: 'redis', check: () => a.redis.ping() },
    ],
    metricsTokens: [config.metricsToken, config.adminToken],
    health: serviceHealth(health, HEALTH_CACHE_MS),
    api: { ...supporterRoutes, representatives: a.representatives },
    pages: {
      ...supporterRoutes,
      images: a.images,
      renderer: a.pages,
      log: a.log,
      confirm: { confirmations: a.confirmations, queue: a.queues.port, clock: a.clock, log: a.log, onConfirmed: (slug: string) => a.counter.forget(slug) },
      contacts: (letterId: string) => a.supporterEmails.contactsOf(letterId),
    },
    webhook: {
      events: sendgridEvents(config.sendgrid.webhookPublicKey),
      store: a.deliveryEvents,
      applyEvents: () => applyDeliveryEvents({ events: a.deliveryEvents, letters: a.letters, undelivered: tellUndelivered(a) }),
      log: a.log,
    },
    adminApi: {
      adminToken: config.adminToken,
      health,
      authoring,
      campaigns: catalog,
      store: a.admin,
      retry,
      erasure: { store: a.admin, copies: a.copies, audit: a.audit },
      bundle,
      lifecycle,
      renderer: a.pages,
      // A few wrong tokens a minute per address, then every try is refused for the rest of it.
      bearerFailures: allowance(a.redis, { prefix: `${config.redisPrefix}:rl:bearer:`, limit: config.limits.adminAuthFailuresPerIpPerMinute, windowMs: 60_000 }),
      accounts,
      images: a.images,
      elections,
      addresses,
      moveLetters,
      refreshPostcode: (postalCode: unknown) => refreshPostcode(a.representatives, postalCode),
    },
    dashboard: {
      renderer: a.pages,
      sessions: sessions(config.adminToken, config.publicUrl.startsWith('https:'), a.adminSessions),
      campaigns: catalog,
      store: a.admin,
      retry,
      queues: [a.queues.letters, a.queues.lookups],
      lifecycle,
      bundle,
      retention: { states: a.campaignStates, store: a.maintenanceStore },
      health,
      outbox: !config.sendgrid.apiKey,
      authoring,
      accounts,
      images: a.images,
      elections,
      addresses,
      moveLetters,
      legislatures: a.legislatures,
      crm: config.crm ? a.crm : null,
      contacts: (letterId: string) => a.supporterEmails.contactsOf(letterId),
      signIn,
      signInAttemptsPerMinute: config.limits.adminAuthFailuresPerIpPerMinute,
      log: a.log,
    },
    assetsDir: path.join(TEMPLATES_DIR, 'assets'),
    frameAncestors: config.frameAncestors,
    corsOrigins: config.corsOrigins,
  };
}

/** What the worker role's processors and sweeper use. */
export function workerDeps(a: Adapters): WorkerDeps {
  const { config } = a;
  const catalog = a.campaigns.catalog;
  // A claim on a letter older than this belongs to a worker that died mid-send.
  const staleClaimMs = config.delivery.staleClaimMs;
  // Who a supporter's reply to an email about their action reaches, named in their language.
  const organisation = (slug: string, locale: Locale) => {
    const org = catalog.get(slug).organisation;
    return { name: org.name[locale], email: org.email };
  };
  return {
    redisUrl: a.redisUrl,
    prefix: config.redisPrefix,
    log: a.log,
    metrics: a.metrics,
    sendgridHold: sendgridHold(a.redis, config.redisPrefix),
    policies: a.policies,
    lettersQueue: a.queues.letters,
    deliver: {
      letters: a.letters,
      mailer: a.mailer,
      gate: sendGate(a.redis, { prefix: config.redisPrefix, probeEveryMs: a.policies.misconfiguredPauseMs }),
      campaigns: catalog,
      states: a.campaignStates,
      clock: a.clock,
      staleClaimMs,
      recordRetriesMs: a.policies.recordRetriesMs,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      legislatures: a.legislatures,
      recheck: { versions: a.campaigns.versions, representatives: a.representatives, recheckAfterMs: config.represent.recheckAfterMs },
    },
    resolve: { versions: a.campaigns.versions, representatives: a.representatives, letters: a.letters, queue: a.queues.port, clock: a.clock, legislatures: a.legislatures },
    sendConfirmation: {
      confirmations: a.confirmations,
      mailer: a.mailer,
      write: (email) => a.supporterEmailWriter.confirmation(email),
      organisation,
    },
    sendSupporterEmail: { emails: a.supporterEmails, mailer: a.mailer, write: (email) => a.supporterEmailWriter.write(email), organisation },
    sweep: {
      letters: a.letters,
      queue: a.queues.port,
      campaigns: catalog,
      states: a.campaignStates,
      graceMs: config.delivery.sweepIntervalMs,
      staleClaimMs,
      reconcileWindowMs: config.delivery.reconcileWindowMs,
      batchSize: 500,
    },
    events: { events: a.deliveryEvents, letters: a.letters, undelivered: tellUndelivered(a) },
    maintenance: {
      store: a.maintenanceStore,
      confirmations: a.confirmations,
      supporterEmails: a.supporterEmails,
      queue: a.queues.port,
      representatives: a.representatives,
      campaigns: catalog,
      clock: a.clock,
      log: a.log,
      copies: a.copies,
      graceMs: config.delivery.sweepIntervalMs,
      retention: { campaigns: catalog, states: a.campaignStates, store: a.maintenanceStore, clock: a.clock, log: a.log, copies: a.copies },
    },
    sweepIntervalMs: config.delivery.sweepIntervalMs,
    crm: config.crm
      ? {
          store: a.crm,
          sender: crmSender({ url: config.crm.url, format: config.crm.format, secret: config.crm.secret, token: config.crm.token, timeoutMs: 10_000 }),
          ensure: (ids: string[]) => a.queues.ensureCrm(ids),
        }
      : null,
  };
}

/** A letter did not arrive: its supporter's note is recorded (once) and queued; the sweeper queues it if Redis is away. */
const tellUndelivered = (a: Adapters) => async (letterId: string): Promise<void> => {
  const id = await a.supporterEmails.recordUndelivered(letterId);
  if (id) await a.queues.port.enqueueSupporterEmails([id]).catch(() => undefined);
};
