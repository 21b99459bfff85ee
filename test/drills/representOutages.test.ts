// Represent hangs, fails, says it is over its limit (503) or throttles (429, with or without
// Retry-After): supporters are still answered 202, and the MP letters wait, back off and go out.
import fs from 'node:fs';
import path from 'node:path';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import type { RepresentMode } from '../fakes/fakeRepresent';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { REPRESENT_TIMEOUT_MS: '300', LOOKUP_RETRY_MS: '100' } });
});
afterAll(() => service.close());
beforeEach(() => service.represent.reset());

const RECORDED = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/represent/postcode-M5V3L9-single-mp.json'), 'utf8'));

// A new postal code each time, so nothing comes from the cache.
let code = 0;
function freshPostalCode(): string {
  code += 1;
  const digits = String(code).padStart(3, '0');
  const compact = `M${digits[0]}V${digits[1]}L${digits[2]}`;
  service.represent.addPostcode({ ...RECORDED, code: compact });
  return compact;
}

const cases: Array<[string, RepresentMode, { retryAfterSeconds?: number }]> = [
  ['hangs', 'hang', {}],
  ['answers 500', 'error500', {}],
  ['answers 502 (outage)', 'fail', {}],
  ['answers 503 (over its limit)', 'overloaded', {}],
  ['answers 429 without Retry-After', 'throttled', {}],
  ['answers 429 with Retry-After', 'throttled', { retryAfterSeconds: 1 }],
];

it.each(cases)('when Represent %s, the action is accepted and the MP letter goes out once it answers', async (_what, mode, options) => {
  const postalCode = freshPostalCode();
  service.represent.setMode(mode, options);
  const res = await service.submitted(supporter({ postalCode }));
  // Who the MP is is not known yet.
  expect(res.letters[0]).toMatchObject({ recipient: { name: null }, subject: null });
  expect((await service.letter(res.letters[0].id)).status).toBe('awaiting_lookup');
  const asked = service.represent.count();
  expect(asked).toBeGreaterThanOrEqual(1);

  service.represent.setMode('ok');
  const letter = await service.waitForLetter(res.letters[0].id, 'accepted', 90_000);
  expect(letter.recipient_email).toBe('chi.nguyen@parl.gc.ca');

  if (options.retryAfterSeconds) {
    // The lookup waited as long as Represent asked before trying again.
    const { rows } = await service.deps.db.query<{ waited: number }>(
      `SELECT extract(epoch FROM max(at) FILTER (WHERE type = 'queued') - min(at))::float AS waited FROM letter_events WHERE letter_id = $1`,
      [res.letters[0].id],
    );
    expect(rows[0].waited).toBeGreaterThanOrEqual(options.retryAfterSeconds - 0.05);
  }
}, 120_000);
