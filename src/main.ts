// Entry point: `node dist/src/main.js all|web|worker`. `all` (npm start) runs both roles in one
// process on the embedded defaults; `web` and `worker` run apart to scale out.
import http from 'node:http';
import path from 'node:path';
import { createLogger } from './adapters/logger';
import { RedisMissingError, redisAnswers, startPrivateRedis, type PrivateRedis } from './adapters/privateRedis';
import { CampaignError } from './adapters/campaigns/campaignLoader';
import { createApp } from './app';
import { databaseWhere, redisWhere } from './adapters/whereabouts';
import { ConfigError, loadConfig } from './config';
import { buildAdapters, webDeps, workerDeps } from './deps';
import { startWorkers } from '../workers';

type Role = 'all' | 'web' | 'worker';

async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!['all', 'web', 'worker'].includes(role)) throw new ConfigError(`Unknown role "${role}": use all, web or worker.`);
  const config = loadConfig();
  const log = createLogger(config.logLevel, undefined, config.logFormat);
  for (const warning of config.warnings) log.warn({}, warning);

  let privateRedis: PrivateRedis | null = null;
  if (role === 'all' && !config.redisUrl && !(await redisAnswers('127.0.0.1', 6379))) {
    privateRedis = await startPrivateRedis(config.dataDir);
  }

  const adapters = await buildAdapters(config, log, { redisUrl: privateRedis?.url });
  // At start, a Redis that does not answer is a setting to fix (later outages only delay letters).
  if (adapters.redis.status !== 'ready') {
    throw new ConfigError(`REDIS_URL (${redisWhere(adapters.redisUrl)}) does not answer: start Redis there, or correct REDIS_URL.`);
  }
  const workers = role === 'web' ? null : await startWorkers(workerDeps(adapters));
  const server = role === 'worker' ? null : http.createServer(createApp(webDeps(adapters)));
  // Where everything is, one line each: what a newcomer (or an operator) wants to know first.
  log.info({}, `Database: ${config.databaseUrl ? `PostgreSQL at ${databaseWhere(config.databaseUrl)}` : `embedded (PGlite) in ${path.join(config.dataDir, 'db')}`}`);
  log.info({}, `Redis: ${privateRedis ? `private, started under ${path.join(config.dataDir, 'redis')}` : redisWhere(adapters.redisUrl)} (keys under "${config.redisPrefix}:")`);
  log.info(
    {},
    config.sendgrid.apiKey
      ? `Mail: sent through SendGrid (${config.sendgrid.apiUrl})`
      : `Mail: written to the outbox in ${path.join(config.dataDir, 'outbox')}, not sent (set SENDGRID_API_KEY to send)`,
  );
  if (server) {
    // A slow or stuck client cannot hold a connection for long.
    server.headersTimeout = 15_000;
    server.requestTimeout = 30_000;
  }
  if (server) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new ConfigError(`PORT ${config.port} is already in use: stop the program using it, or set PORT to a free port.`)
            : error.code === 'EACCES'
              ? new ConfigError(`PORT ${config.port} needs privileges this process does not have: set PORT above 1023.`)
              : error,
        ),
      );
      server.listen(config.port, resolve);
    });
    const first = adapters.campaigns.catalog.list()[0];
    log.info({}, `dearmp is listening on port ${config.port}: ${first ? `${config.publicUrl}/campaigns/${first.slug} is an action page, ` : ''}${config.publicUrl}/admin the dashboard`);
  }
  if (workers) log.info({}, `Workers: delivering letters, ${config.delivery.concurrency} at a time`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Past this deadline, jobs still running are left to BullMQ's stalled-job recovery.
    const deadline = setTimeout(() => process.exit(1), 20_000).unref();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await workers?.close();
    await adapters.close();
    privateRedis?.stop();
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // Configuration and setup problems are one clear line, not a stack trace.
  if (error instanceof ConfigError || error instanceof CampaignError || error instanceof RedisMissingError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`dearmp could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
