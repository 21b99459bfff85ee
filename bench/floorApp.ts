// The floor of the submissions bench: the least a submission route can do on this stack. Express 5
// parses the same JSON body, one PostgreSQL INSERT (pg Pool, as many connections as the service's
// pool) stores it, one BullMQ `queue.add` queues a job carrying the new id, and the answer is 202.
// No validation, no MP lookup, no letters, no rate limits: whatever the service takes beyond this
// is the cost of what it does on top.
// Environment: DATABASE_URL, REDIS_URL, REDIS_PREFIX, PORT.
import http from 'node:http';
import { Queue } from 'bullmq';
import express from 'express';
import IORedis from 'ioredis';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`floorApp: ${name} is not set`);
    return value;
  };
  const pool = new Pool({ connectionString: env('DATABASE_URL'), max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS floor_actions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL, first_name text NOT NULL, last_name text NOT NULL, postal_code text NOT NULL,
    address text, city text, message text, created_at timestamptz NOT NULL DEFAULT now())`);
  const connection = new IORedis(env('REDIS_URL'), { maxRetriesPerRequest: null });
  const queue = new Queue('letters', { connection, prefix: env('REDIS_PREFIX') });

  const app = express();
  app.disable('x-powered-by');
  app.post('/api/campaigns/:slug/actions', express.json({ limit: '16kb' }), async (req, res) => {
    const b = req.body as Record<string, string>;
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO floor_actions (email, first_name, last_name, postal_code, address, city, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [b.email, b.firstName, b.lastName, b.postalCode, b.address, b.city, b.message],
    );
    const id = rows[0].id;
    await queue.add('deliver', { letterId: id }, { jobId: `letter-${id}` });
    res.status(202).json({ id });
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(Number(env('PORT')), '127.0.0.1', resolve));
  process.stdout.write('floor app listening\n');
  process.on('SIGTERM', () => {
    server.close();
    void Promise.all([queue.close(), pool.end()]).finally(() => {
      connection.disconnect();
      process.exit(0);
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`floorApp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
