// The floor of the delivery bench: a bare BullMQ Worker whose processor makes one HTTP POST per
// job to the (bench) SendGrid fake, with a letter-sized JSON body, at the same concurrency as the
// service's worker. No database claim, no status update, no retries logic: the least a delivery
// worker on this stack can do per letter.
// Environment: REDIS_URL, REDIS_PREFIX, SENDGRID_API_URL, SENDGRID_API_KEY, WORKER_CONCURRENCY.
import http from 'node:http';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`floorWorker: ${name} is not set`);
  return value;
};

// About the size of one of the service's letters (text + its HTML twin).
const TEXT = 'Dear Minister,\n\n' + 'I am writing to ask Canada to act. '.repeat(60) + '\n\nSincerely,\nA supporter';

function post(url: URL, apiKey: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        // Node 20's global agent keeps connections alive, as the service's client (axios) does.
        agent: http.globalAgent,
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const url = new URL('/v3/mail/send', env('SENDGRID_API_URL'));
  const apiKey = env('SENDGRID_API_KEY');
  const connection = new IORedis(env('REDIS_URL'), { maxRetriesPerRequest: null });
  const worker = new Worker<{ letterId: string }>(
    'letters',
    async (job) => {
      const body = JSON.stringify({
        personalizations: [{ to: [{ email: 'mp@example.org', name: 'An MP' }] }],
        from: { email: 'letters@example.org', name: 'Letters' },
        reply_to: { email: 'supporter@example.com', name: 'A Supporter' },
        subject: 'Please act',
        content: [
          { type: 'text/plain', value: TEXT },
          { type: 'text/html', value: `<p>${TEXT.replace(/\n/g, '<br>')}</p>` },
        ],
        custom_args: { letter_id: job.data.letterId },
      });
      const status = await post(url, apiKey, body);
      if (status !== 202) throw new Error(`SendGrid fake answered ${status}`);
    },
    { connection, prefix: env('REDIS_PREFIX'), concurrency: Number(env('WORKER_CONCURRENCY')) },
  );
  worker.on('error', () => undefined);
  process.stdout.write('floor worker running\n');
  process.on('SIGTERM', () => {
    void worker.close().finally(() => {
      connection.disconnect();
      process.exit(0);
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`floorWorker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
