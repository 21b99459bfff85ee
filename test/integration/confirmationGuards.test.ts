// What an unconfirmed action must never do: change a known supporter's details (anyone can type
// someone else's address), or send a letter by way of a campaigner's retry. And what a petition
// signature must not undo: the street address a letter campaign asked of the same person.
import request from 'supertest';
import { confirmAction } from '../../src/domain/confirmAction';
import { removeCampaignsDir, writeCampaignsDir } from '../helpers/campaignsDir';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const TOKEN = 'guards-admin-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${TOKEN}` };
let service: TestService;
let dir: string;

beforeAll(async () => {
  dir = writeCampaignsDir({
    xinjiang: { from: 'xinjiang' },
    'xinjiang-confirm': { from: 'xinjiang', set: { confirm: true } },
    'xinjiang-petition': { from: 'xinjiang-petition' },
  });
  service = await startTestService({ workers: false, env: { CAMPAIGNS_DIR: dir, ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => {
  await service.close();
  removeCampaignsDir(dir);
});

const supporterRow = async (email: string) =>
  (await service.deps.db.query<{ first_name: string; last_name: string; address: string | null; city: string | null }>(
    'SELECT first_name, last_name, address, city FROM supporters WHERE email = $1',
    [email],
  )).rows[0];
const confirmTokenOf = async (actionId: string) =>
  (await service.deps.db.query<{ confirm_token: string }>('SELECT confirm_token FROM actions WHERE id = $1', [actionId])).rows[0].confirm_token;

it('an unconfirmed action leaves a known supporter’s name and address as they were', async () => {
  const alice = supporter({ firstName: 'Alice', lastName: 'Tremblay', address: '5 Real Road', city: 'Ottawa' });
  await request(service.app).post('/api/campaigns/xinjiang/actions').send(alice).expect(202);
  const forged = { ...alice, firstName: 'Mallory', lastName: 'Impostor', address: '1 Evil Street', city: 'Vancouver' };
  const res = await service.submitted(forged, 'xinjiang-confirm');
  expect(res.res.body.confirmationRequired).toBe(true);
  expect(await supporterRow(alice.email)).toEqual({ first_name: 'Alice', last_name: 'Tremblay', address: '5 Real Road', city: 'Ottawa' });
});

it('what a known supporter typed with an action is applied once they confirm it', async () => {
  const chloe = supporter({ firstName: 'Chloe', lastName: 'Roy', address: '3 Old Lane', city: 'Gatineau' });
  await request(service.app).post('/api/campaigns/xinjiang/actions').send(chloe).expect(202);
  const moved = { ...chloe, lastName: 'Roy-Martin', address: '8 New Avenue', city: 'Ottawa' };
  const res = await service.submitted(moved, 'xinjiang-confirm');
  expect(await supporterRow(chloe.email)).toMatchObject({ last_name: 'Roy', address: '3 Old Lane' });
  await confirmAction(service.web.pages.confirm, await confirmTokenOf(res.id));
  expect(await supporterRow(chloe.email)).toEqual({ first_name: 'Chloe', last_name: 'Roy-Martin', address: '8 New Avenue', city: 'Ottawa' });
  const left = await service.deps.db.query<{ pending_details: unknown }>('SELECT pending_details FROM actions WHERE id = $1', [res.id]);
  expect(left.rows[0].pending_details).toBeNull();
});

it('a petition signature keeps the street address a letter campaign was given', async () => {
  const bo = supporter({ firstName: 'Bo', lastName: 'Chen', address: '77 King Street', city: 'Toronto' });
  await request(service.app).post('/api/campaigns/xinjiang/actions').send(bo).expect(202);
  const { address: _address, ...signature } = { ...bo, city: 'Mississauga' };
  const signed = await service.submitted(signature, 'xinjiang-petition');
  await confirmAction(service.web.pages.confirm, await confirmTokenOf(signed.id));
  // Known person, no address asked: the address stays; what was asked (the city) is taken.
  expect(await supporterRow(bo.email)).toMatchObject({ address: '77 King Street', city: 'Mississauga' });
});

it('a campaigner cannot send a letter of an unconfirmed action by retrying it; once confirmed, they can', async () => {
  const res = await service.submitted(supporter(), 'xinjiang-confirm');
  const letterId = res.letters[0].id;
  // As when Represent lists no email for the MP: the letter is stored failed at once.
  await service.deps.db.query("UPDATE letters SET status = 'failed', status_reason = 'no address' WHERE id = $1", [letterId]);

  const refused = await request(service.app).post(`/api/admin/letters/${letterId}/retry`).set(auth).expect(409);
  expect(refused.body.error.code).toBe('not_retryable');
  const all = await request(service.app).post('/api/admin/campaigns/xinjiang-confirm/retry').set(auth).expect(202);
  expect(all.body.retried).toBe(0);
  const status = async () => (await service.deps.db.query<{ status: string }>('SELECT status FROM letters WHERE id = $1', [letterId])).rows[0].status;
  expect(await status()).toBe('failed');

  await confirmAction(service.web.pages.confirm, await confirmTokenOf(res.id));
  await request(service.app).post(`/api/admin/letters/${letterId}/retry`).set(auth).expect(202);
  expect(await status()).toBe('queued');
});
