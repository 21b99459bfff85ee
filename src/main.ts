// Entry point: `node dist/src/main.js all|web|worker`. `all` (npm start) runs both roles in one
// process on the embedded defaults; `web` and `worker` run apart to scale out.
import http from 'node:http';
import { createLogger } from './adapters/logger';
import { RedisMissingError, redisAnswers, startPrivateRedis, type PrivateRedis } from './adapters/privateRedis';
import { CampaignError } from './adapters/campaigns/campaignLoader';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { buildAdapters, webDeps, workerDeps } from './deps';
import { startWorkers } from '../workers';

type Role = 'all' | 'web' | 'worker';

async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!['all', 'web', 'worker'].includes(role)) throw new ConfigError(`Unknown role "${role}": use all, web or worker.`);
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  for (const warning of config.warnings) log.warn({}, warning);

  let privateRedis: PrivateRedis | null = null;
  if (role === 'all' && !config.redisUrl && !(await redisAnswers('127.0.0.1', 6379))) {
    privateRedis = await startPrivateRedis(config.dataDir);
    log.info({ url: privateRedis.url }, 'started a private Redis under DATA_DIR/redis');
  }

  const adapters = await buildAdapters(config, log, { redisUrl: privateRedis?.url });
  const workers = role === 'web' ? null : await startWorkers(workerDeps(adapters));
  const server = role === 'worker' ? null : http.createServer(createApp(webDeps(adapters)));
  if (server) {
    // A slow or stuck client cannot hold a connection for long.
    server.headersTimeout = 15_000;
    server.requestTimeout = 30_000;
  }
  if (server) {
    await new Promise<void>((resolve) => server.listen(config.port, resolve));
    log.info(
      { url: config.publicUrl, database: config.databaseUrl ? 'postgres' : 'embedded', mail: config.sendgrid.apiKey ? 'sendgrid' : 'outbox' },
      `dearmp is listening: ${config.publicUrl}`,
    );
  }
  if (workers) log.info({ concurrency: config.delivery.concurrency }, 'workers running');

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
