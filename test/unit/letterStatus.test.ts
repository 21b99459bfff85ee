import { canMove, isLetterStatus, LETTER_STATUSES, statusesThatCanMoveTo, type LetterStatus } from '../../src/domain/letterStatus';

describe('letter status transitions', () => {
  it.each<[LetterStatus, LetterStatus]>([
    ['awaiting_lookup', 'queued'],
    ['queued', 'sending'],
    ['sending', 'accepted'],
    ['accepted', 'delivered'],
  ])('the lifecycle allows %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each<[LetterStatus, LetterStatus]>([
    ['accepted', 'deferred'],
    ['deferred', 'delivered'],
    ['accepted', 'bounced'],
    ['accepted', 'dropped'],
    ['delivered', 'bounced'],
    ['sending', 'failed'],
    ['sending', 'queued'],
    ['awaiting_lookup', 'failed'],
  ])('allows %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each<[LetterStatus, LetterStatus]>([
    ['delivered', 'accepted'],
    ['delivered', 'deferred'],
    ['delivered', 'queued'],
    ['delivered', 'sending'],
    ['accepted', 'queued'],
    ['accepted', 'sending'],
    ['deferred', 'accepted'],
    ['bounced', 'delivered'],
    ['dropped', 'delivered'],
    ['bounced', 'accepted'],
    ['queued', 'awaiting_lookup'],
    ['sending', 'awaiting_lookup'],
    ['queued', 'accepted'],
    ['awaiting_lookup', 'sending'],
  ])('never moves backwards or skips sending: %s → %s is refused', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it.each<LetterStatus>(['failed', 'bounced', 'dropped'])('a campaigner can retry %s (→ queued)', (from) => {
    expect(canMove(from, 'queued')).toBe(true);
  });

  it('only a queued letter can be claimed for sending', () => {
    expect(statusesThatCanMoveTo('sending')).toEqual(['queued']);
  });

  it('delivered is reachable only once SendGrid has the letter (accepted, deferred, or a report racing the 202)', () => {
    expect([...statusesThatCanMoveTo('delivered')].sort()).toEqual(['accepted', 'deferred', 'sending', 'uncertain']);
  });

  it('a letter whose sending is uncertain is sent again only through the queue, never claimed straight away', () => {
    expect(canMove('uncertain', 'sending')).toBe(false);
    expect(canMove('uncertain', 'queued')).toBe(true);
    expect([...statusesThatCanMoveTo('uncertain')]).toEqual(['sending']);
  });

  it('awaiting_lookup is reached only by a confirmation, an election’s end or a campaigner’s retry of a failed letter', () => {
    expect([...statusesThatCanMoveTo('awaiting_lookup')].sort()).toEqual(['awaiting_confirmation', 'awaiting_election', 'failed']);
  });

  it('a letter held for an election goes nowhere but back to the lookup (or fails, erased), and a skipped letter nowhere at all', () => {
    expect(TRANSITIONS_FROM('awaiting_election')).toEqual(['awaiting_lookup', 'failed']);
    expect(TRANSITIONS_FROM('skipped')).toEqual([]);
    expect([...statusesThatCanMoveTo('awaiting_election')].sort()).toEqual(['awaiting_lookup', 'queued']);
  });

  it('a letter waiting for its supporter’s confirmation can only be released (to the queue or the lookup), never sent', () => {
    expect(canMove('awaiting_confirmation', 'queued')).toBe(true);
    expect(canMove('awaiting_confirmation', 'awaiting_lookup')).toBe(true);
    expect(canMove('awaiting_confirmation', 'sending')).toBe(false);
    expect(statusesThatCanMoveTo('awaiting_confirmation')).toEqual([]);
  });

  it('lists every status of the API', () => {
    expect([...LETTER_STATUSES].sort()).toEqual(
      ['awaiting_confirmation', 'awaiting_lookup', 'awaiting_election', 'queued', 'sending', 'uncertain', 'accepted', 'deferred', 'delivered', 'bounced', 'dropped', 'failed', 'skipped'].sort(),
    );
  });
});

const TRANSITIONS_FROM = (from: LetterStatus) => LETTER_STATUSES.filter((to) => canMove(from, to));

describe('isLetterStatus', () => {
  it.each(['queued', 'delivered', 'awaiting_lookup'])('accepts %s', (value) => {
    expect(isLetterStatus(value)).toBe(true);
  });

  it.each([['Queued'], ['sent'], [''], [null], [undefined], [3], [['queued']]])('rejects %j', (value) => {
    expect(isLetterStatus(value)).toBe(false);
  });
});
