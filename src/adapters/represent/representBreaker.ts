// A circuit breaker around Represent (opossum): after a few failures in a row (timeouts, 5xx,
// its over-the-limit 503), lookups answer `unavailable` at once instead of each waiting out the
// timeout, so a hanging Represent does not hold every submission for seconds. After `openMs`
// one probe goes through (half-open); its success closes the breaker, its failure opens it again.
import CircuitBreaker from 'opossum';
import type { PostalCode } from '../../domain/postalCode';
import type { RepresentAnswer, RepresentClient } from './representClient';

export interface BreakerOptions {
  /** Failures in a row that open the breaker. */
  failures: number;
  /** How long it stays open before one probe may go. */
  openMs: number;
  /** Told when Represent stops answering (the breaker opens) and when it answers again. */
  onState?: (state: 'open' | 'closed') => void;
}

export interface GuardedClient extends RepresentClient {
  /** Milliseconds until a request may go again; 0 when one may go now. */
  openForMs(): number;
}

/** Carries an `unavailable` answer through opossum as a failure. */
class Unavailable extends Error {
  constructor(readonly answer: Extract<RepresentAnswer, { kind: 'unavailable' }>) {
    super(answer.why);
  }
}

export function withBreaker(client: RepresentClient, options: BreakerOptions): GuardedClient {
  const breaker = new CircuitBreaker(
    async (postalCode: PostalCode) => {
      const answer = await client.postcode(postalCode);
      if (answer.kind === 'unavailable') throw new Unavailable(answer);
      return answer;
    },
    // opossum's own rule (an error percentage over a rolling window) never opens it: the count of
    // failures in a row below does. Its half-open probe and reset timer are what we use it for.
    { timeout: false, resetTimeout: options.openMs, errorThresholdPercentage: 100, volumeThreshold: Number.MAX_SAFE_INTEGER },
  );
  let inARow = 0;
  let openedAt = 0;
  breaker.on('success', () => (inARow = 0));
  breaker.on('failure', () => {
    inARow += 1;
    if (inARow >= options.failures && !breaker.opened) breaker.open();
  });
  breaker.on('open', () => {
    openedAt = Date.now();
    options.onState?.('open');
  });
  breaker.on('close', () => options.onState?.('closed'));

  const openForMs = () => (breaker.opened ? Math.max(1, openedAt + options.openMs - Date.now()) : 0);

  return {
    openForMs,
    async postcode(postalCode) {
      try {
        return (await breaker.fire(postalCode)) as RepresentAnswer;
      } catch (error) {
        if (error instanceof Unavailable) return error.answer;
        const waitMs = openForMs() || options.openMs;
        return {
          kind: 'unavailable',
          retryAfterMs: Math.ceil(waitMs / 1000) * 1000,
          why: `Represent failed ${options.failures} times in a row: not asked again for ${Math.ceil(waitMs / 1000)} s.`,
        };
      }
    },
  };
}
