// The breaker around Represent, against a scripted client (no network) and Jest's fake clock.
import { withBreaker } from '../../src/adapters/represent/representBreaker';
import type { RepresentAnswer, RepresentClient } from '../../src/adapters/represent/representClient';
import type { PostalCode } from '../../src/domain/postalCode';

const CODE = 'M5V3L9' as PostalCode;
const found: RepresentAnswer = { kind: 'found', body: {} as never };
const down: RepresentAnswer = { kind: 'unavailable', retryAfterMs: null, why: 'Represent answered HTTP 502.' };

/** Answers what it is told to, and counts the requests that reached it. */
function scripted(): RepresentClient & { answer: RepresentAnswer; calls: number } {
  const client = {
    answer: found,
    calls: 0,
    async postcode() {
      client.calls += 1;
      return client.answer;
    },
  };
  return client;
}

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-04T12:00:00Z') }));
afterEach(() => jest.useRealTimers());

it('opens after the failures in a row, answers without asking while open, and closes through one probe', async () => {
  const client = scripted();
  const states: string[] = [];
  const guarded = withBreaker(client, { failures: 3, openMs: 30_000, onState: (s) => states.push(s) });
  client.answer = down;
  for (let i = 0; i < 3; i += 1) expect(await guarded.postcode(CODE)).toEqual(down);
  expect(states).toEqual(['open']);
  expect(guarded.openForMs()).toBe(30_000);

  const fast = await guarded.postcode(CODE);
  expect(fast).toMatchObject({ kind: 'unavailable', retryAfterMs: 30_000 });
  expect(client.calls).toBe(3);

  // Half-open after the open time: one probe; it fails, so the breaker opens again.
  jest.advanceTimersByTime(30_000);
  expect(guarded.openForMs()).toBe(0);
  expect(await guarded.postcode(CODE)).toEqual(down);
  expect(client.calls).toBe(4);
  expect(guarded.openForMs()).toBe(30_000);

  // The next probe succeeds: closed, and every lookup asks Represent again.
  client.answer = found;
  jest.advanceTimersByTime(30_000);
  expect(await guarded.postcode(CODE)).toEqual(found);
  expect(states).toEqual(['open', 'open', 'closed']);
  expect(await guarded.postcode(CODE)).toEqual(found);
  expect(client.calls).toBe(6);
});

it('counts failures in a row only: a success in between starts again', async () => {
  const client = scripted();
  const guarded = withBreaker(client, { failures: 3, openMs: 30_000 });
  for (const answer of [down, down, found, down, down]) {
    client.answer = answer;
    await guarded.postcode(CODE);
  }
  expect(guarded.openForMs()).toBe(0);
  expect(client.calls).toBe(5);
});

it('passes lasting answers through untouched (an unknown code is not a failure)', async () => {
  const client = scripted();
  const guarded = withBreaker(client, { failures: 1, openMs: 30_000 });
  client.answer = { kind: 'unknown_code' };
  expect(await guarded.postcode(CODE)).toEqual({ kind: 'unknown_code' });
  expect(guarded.openForMs()).toBe(0);
});
