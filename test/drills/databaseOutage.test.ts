// PostgreSQL unreachable: submissions answer 503 `unavailable`, never 202 without a stored row,
// and work again by themselves once it is back. The outage is a TCP proxy we cut and restore.
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import { tcpProxy, type Proxy } from '../helpers/tcpProxy';

let database: TestDatabase;
let proxy: Proxy;
let service: TestService;

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  proxy = await tcpProxy(Number(url.port || 5432));
  url.host = `127.0.0.1:${proxy.port}`;
  service = await startTestService({ workers: false, env: { DATABASE_URL: url.toString() }, database: { url: url.toString(), drop: async () => undefined } });
});
afterAll(async () => {
  await service.close();
  await proxy.cut();
  await database.drop();
});

it('answers 503 while the database is away and recovers by itself', async () => {
  await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter()).expect(202);

  await proxy.cut();
  for (let i = 0; i < 3; i += 1) {
    const res = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter());
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
  }
  await request(service.app).get('/healthz').expect(503);

  await proxy.restore();
  const back = await request(service.app).post('/api/campaigns/xinjiang/actions').send(supporter());
  expect(back.status).toBe(202);
  const { rows } = await service.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions');
  expect(rows[0].n).toBe(2);
});
