// The only reader of process.env. Every setting is parsed once, here, and every problem is
// reported together in one line that names the variables, so an operator fixes them in one go.
import path from 'node:path';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

// Space- or comma-separated origins like `https://www.example.org`.
const originList = z
  .string()
  .refine(
    (value) =>
      value
        .split(/[\s,]+/)
        .filter(Boolean)
        .every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)),
    'must be origins like https://www.example.org, separated by spaces or commas',
  );

// A mailbox like `Letters <letters@example.org>` or a bare address.
const mailbox = z
  .string()
  .regex(/^\s*(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)\s*$/, 'must be an address like "Letters <letters@example.org>"');

const schema = z.object({
  PORT: int(1, 65535).default(3000),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z.string().regex(/^[\w-]+$/, 'must be letters, digits, - or _').default('dearmp'),
  REPRESENT_URL: url(['http:', 'https:']).default('https://represent.opennorth.ca'),
  REPRESENT_RATE_PER_MIN: int(1, 100_000).default(55),
  REPRESENT_TIMEOUT_MS: int(100, 120_000).default(5000),
  REPRESENT_CACHE_TTL_SECONDS: int(1, 90 * 86400).default(86400),
  REPRESENT_BREAKER_FAILURES: int(1, 1000).default(3),
  REPRESENT_BREAKER_OPEN_MS: int(100, 3_600_000).default(30_000),
  REPRESENT_DOWN_ALERT_MS: int(0, 86_400_000).default(180_000),
  REPRESENT_REFRESH_AFTER_SECONDS: int(1, 365 * 86400).default(30 * 86400),
  LOOKUP_RECHECK_AFTER_SECONDS: int(1, 365 * 86400).default(7 * 86400),
  SENDGRID_API_KEY: z.string().min(1).optional(),
  SENDGRID_API_URL: url(['http:', 'https:']).default('https://api.sendgrid.com'),
  SENDGRID_TIMEOUT_MS: int(100, 120_000).default(10_000),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
  SENDGRID_PROBE_INTERVAL_MS: int(1000, 3_600_000).default(60_000),
  MAIL_FROM: mailbox.default('Letters <letters@localhost>'),
  ADMIN_TOKEN: z.string().min(1).optional(),
  CAMPAIGNS_DIR: z.string().min(1).default('./data/campaigns'),
  DELIVERY_ATTEMPTS: int(1, 100).default(8),
  DELIVERY_BACKOFF_MS: int(1, 3_600_000).default(15_000),
  WORKER_CONCURRENCY: int(1, 200).default(10),
  WORKER_LOCK_MS: int(1000, 600_000).default(30_000),
  DELIVERY_STALE_CLAIM_MS: int(1000, 3_600_000).default(300_000),
  RECONCILE_WINDOW_MS: int(1000, 7 * 24 * 3_600_000).optional(),
  BOUNCE_ALERT_PERCENT: int(0, 100).default(5),
  BOUNCE_ALERT_MINIMUM: int(1, 1_000_000).default(20),
  SWEEP_INTERVAL_MS: int(100, 3_600_000).default(30_000),
  SUBMIT_RATE_PER_IP_PER_MIN: int(1, 1_000_000).default(30),
  SUBMIT_RATE_PER_EMAIL_PER_HOUR: int(1, 1_000_000).default(10),
  SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN: int(1, 1_000_000).default(5),
  LOOKUP_RATE_PER_IP_PER_MIN: int(1, 1_000_000).default(10),
  ADMIN_AUTH_FAILURES_PER_IP_PER_MIN: int(1, 1_000_000).default(10),
  REPRESENT_VISITOR_SHARE_PERCENT: int(1, 100).default(20),
  FORM_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  NODE_ENV: z.string().default('development'),
  FORM_MIN_MS: int(0, 600_000).default(3000),
  FRAME_ANCESTORS: originList.default(''),
  CORS_ORIGINS: originList.default(''),
  TRUST_PROXY: z.string().regex(/^(true|false|\d+|[\w.:/, -]+)$/, 'must be true, false, a hop count or a list of addresses').default('false'),
  LOOKUP_RETRY_MS: int(10, 3_600_000).default(30_000),
  CRM_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  CRM_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CRM_WEBHOOK_FORMAT: z.enum(['dearmp', 'action-network']).default('dearmp'),
  CRM_WEBHOOK_TOKEN: z.string().min(1).optional(),
  CRM_WEBHOOK_ATTEMPTS: int(1, 100).default(10),
  CRM_WEBHOOK_BACKOFF_MS: int(1, 3_600_000).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

export interface Config {
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Unset means "the default local Redis, or a private one started by `npm start`". */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** `visitorShare`: the most of a minute's Represent budget one visitor may spend (0–1). */
  represent: {
    url: string; ratePerMinute: number; timeoutMs: number; cacheTtlSeconds: number; visitorShare: number;
    /** The circuit breaker: failures in a row that open it, and how long it stays open before a probe. */
    breaker: { failures: number; openMs: number };
    /** Campaigners are told once Represent has been unreachable this long. */
    downAlertMs: number;
    /** The directory asks Represent again for a postal code whose answer is older than this. */
    refreshAfterMs: number;
    /** A letter whose lookup is older than this is looked up again when its turn to be sent comes. */
    recheckAfterMs: number;
  };
  /** `probeIntervalMs`: while SendGrid refuses our key or sender, one letter is tried this often. */
  sendgrid: { apiKey: string | undefined; apiUrl: string; timeoutMs: number; webhookPublicKey: string | undefined; probeIntervalMs: number };
  mailFrom: { name: string | undefined; email: string };
  adminToken: string | undefined;
  campaignsDir: string;
  /**
   * `reconcileWindowMs`: how long a letter whose sending is uncertain waits for a webhook event proving
   * SendGrid has it, before it is sent again (10 minutes with the webhook configured, an hour without).
   */
  delivery: { attempts: number; backoffMs: number; concurrency: number; sweepIntervalMs: number; lockMs: number; staleClaimMs: number; reconcileWindowMs: number };
  /** Campaigners are told when more than `percent` of the letters SendGrid took bounced (once `minimum` were taken). */
  bounceAlert: { percent: number; minimum: number };
  limits: {
    submitPerIpPerMinute: number;
    /** Submissions without the form's signed time (scripts, embeds), per IP. */
    submitUnverifiedPerIpPerMinute: number;
    submitPerEmailPerHour: number;
    lookupsPerIpPerMinute: number;
    /** Wrong admin tokens per IP per minute before every try from it is refused for the rest of the minute. */
    adminAuthFailuresPerIpPerMinute: number;
    formMinMs: number;
  };
  /** Signs the time each form was shown; unset = a secret the service makes once and keeps in the database. */
  formSecret: string | undefined;
  /** Bearer token for /metrics (the admin token works too). */
  metricsToken: string | undefined;
  /**
   * The organisation's CRM: each supporter who agreed to updates is posted there once, and their
   * withdrawal or erasure after. `format`: our signed JSON, or Action Network's person signup helper (OSDI).
   */
  crm: { url: string; secret: string | null; format: 'dearmp' | 'action-network'; token: string | null; attempts: number; backoffMs: number } | null;
  /** NODE_ENV=production: weak secrets stop start-up instead of only being warned about. */
  production: boolean;
  /** Problems worth a warning at start that do not stop it. */
  warnings: string[];
  /** Sites allowed to frame the pages (CSP frame-ancestors), beside this one. */
  frameAncestors: string[];
  /** Origins whose browsers may call the JSON API (CORS). */
  corsOrigins: string[];
  /** Express's `trust proxy`: set it behind a load balancer so rate limits see supporters' addresses. */
  trustProxy: boolean | number | string;
  /** First wait before asking Represent again for a letter awaiting its MP (doubles, up to 10 minutes). */
  lookupRetryMs: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** One human line per event on a terminal; JSON (one object a line) for log collectors. */
  logFormat: 'pretty' | 'json';
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const MIN_ADMIN_TOKEN = 32;

export class ConfigError extends Error {}

function parseMailbox(value: string): { name: string | undefined; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  if (!match) return { name: undefined, email: value.trim() };
  return { name: match[1].replace(/^"|"$/g, '') || undefined, email: match[2] };
}

/** Reads settings from `env` (process.env by default); throws ConfigError with one line naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset": that is how most deploy tools write a blank variable.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name} ${issue.message} (got ${JSON.stringify(present[name])})`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const warnings: string[] = [];
  // A short admin token can be guessed: in production it stops start-up, elsewhere it is a warning.
  if (e.ADMIN_TOKEN && e.ADMIN_TOKEN.length < MIN_ADMIN_TOKEN) {
    const problem = `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN} characters (got ${e.ADMIN_TOKEN.length}); make one with: openssl rand -base64 32`;
    if (production) throw new ConfigError(`Invalid configuration: ${problem}`);
    warnings.push(problem);
  }
  // Our format is signed: without a secret, the CRM could not tell our posts from anyone's.
  if (e.CRM_WEBHOOK_URL && e.CRM_WEBHOOK_FORMAT === 'dearmp' && !e.CRM_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration: CRM_WEBHOOK_SECRET is required with CRM_WEBHOOK_URL (make one with: openssl rand -base64 32)');
  }
  if (e.CRM_WEBHOOK_URL && e.CRM_WEBHOOK_FORMAT === 'action-network' && !e.CRM_WEBHOOK_TOKEN) {
    throw new ConfigError('Invalid configuration: CRM_WEBHOOK_TOKEN (your Action Network API key) is required with CRM_WEBHOOK_FORMAT=action-network');
  }
  return {
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    represent: {
      url: e.REPRESENT_URL.replace(/\/+$/, ''),
      ratePerMinute: e.REPRESENT_RATE_PER_MIN,
      timeoutMs: e.REPRESENT_TIMEOUT_MS,
      cacheTtlSeconds: e.REPRESENT_CACHE_TTL_SECONDS,
      visitorShare: e.REPRESENT_VISITOR_SHARE_PERCENT / 100,
      breaker: { failures: e.REPRESENT_BREAKER_FAILURES, openMs: e.REPRESENT_BREAKER_OPEN_MS },
      downAlertMs: e.REPRESENT_DOWN_ALERT_MS,
      refreshAfterMs: e.REPRESENT_REFRESH_AFTER_SECONDS * 1000,
      recheckAfterMs: e.LOOKUP_RECHECK_AFTER_SECONDS * 1000,
    },
    sendgrid: {
      apiKey: e.SENDGRID_API_KEY,
      apiUrl: e.SENDGRID_API_URL.replace(/\/+$/, ''),
      timeoutMs: e.SENDGRID_TIMEOUT_MS,
      webhookPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
      probeIntervalMs: e.SENDGRID_PROBE_INTERVAL_MS,
    },
    mailFrom: parseMailbox(e.MAIL_FROM),
    adminToken: e.ADMIN_TOKEN,
    campaignsDir: path.resolve(e.CAMPAIGNS_DIR),
    delivery: {
      attempts: e.DELIVERY_ATTEMPTS,
      backoffMs: e.DELIVERY_BACKOFF_MS,
      concurrency: e.WORKER_CONCURRENCY,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      lockMs: e.WORKER_LOCK_MS,
      staleClaimMs: e.DELIVERY_STALE_CLAIM_MS,
      // SendGrid's `processed` event comes within seconds to minutes: ten minutes is ample. Without
      // the webhook no proof can come, so wait longer before risking a second copy.
      reconcileWindowMs: e.RECONCILE_WINDOW_MS ?? (e.SENDGRID_WEBHOOK_PUBLIC_KEY ? 10 * 60_000 : 60 * 60_000),
    },
    bounceAlert: { percent: e.BOUNCE_ALERT_PERCENT, minimum: e.BOUNCE_ALERT_MINIMUM },
    limits: {
      submitPerIpPerMinute: e.SUBMIT_RATE_PER_IP_PER_MIN,
      submitUnverifiedPerIpPerMinute: e.SUBMIT_RATE_UNVERIFIED_PER_IP_PER_MIN,
      submitPerEmailPerHour: e.SUBMIT_RATE_PER_EMAIL_PER_HOUR,
      lookupsPerIpPerMinute: e.LOOKUP_RATE_PER_IP_PER_MIN,
      adminAuthFailuresPerIpPerMinute: e.ADMIN_AUTH_FAILURES_PER_IP_PER_MIN,
      formMinMs: e.FORM_MIN_MS,
    },
    formSecret: e.FORM_SECRET,
    metricsToken: e.METRICS_TOKEN,
    crm: e.CRM_WEBHOOK_URL
      ? {
          url: e.CRM_WEBHOOK_URL, secret: e.CRM_WEBHOOK_SECRET ?? null, format: e.CRM_WEBHOOK_FORMAT, token: e.CRM_WEBHOOK_TOKEN ?? null,
          attempts: e.CRM_WEBHOOK_ATTEMPTS, backoffMs: e.CRM_WEBHOOK_BACKOFF_MS,
        }
      : null,
    production,
    warnings,
    frameAncestors: e.FRAME_ANCESTORS.split(/[\s,]+/).filter(Boolean),
    corsOrigins: e.CORS_ORIGINS.split(/[\s,]+/).filter(Boolean),
    trustProxy: e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    lookupRetryMs: e.LOOKUP_RETRY_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
  };
}
