// `npm start` with no Redis configured and none running starts a private redis-server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedisMissingError, redisAnswers, startPrivateRedis } from '../../src/adapters/privateRedis';
import { eventually } from '../helpers/eventually';

it('starts a redis-server under DATA_DIR/redis that answers, and stops it', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-redis-'));
  const redis = await startPrivateRedis(dataDir);
  try {
    const port = Number(new URL(redis.url).port);
    expect(await redisAnswers('127.0.0.1', port)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'redis'))).toBe(true);
    redis.stop();
    await eventually(() => redisAnswers('127.0.0.1', port), (up) => !up, { what: 'the private Redis to stop' });
  } finally {
    redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

it('says how to get Redis when redis-server is not installed', async () => {
  const path_ = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await expect(startPrivateRedis(os.tmpdir())).rejects.toThrow(RedisMissingError);
    await expect(startPrivateRedis(os.tmpdir())).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/);
  } finally {
    process.env.PATH = path_;
  }
});
