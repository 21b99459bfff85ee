import ResponseError from '@sendgrid/helpers/classes/response-error';
import { classify, throttledFor } from '../../src/adapters/mail/sendgridMailer';
import { MailError } from '../../src/domain/ports';

const REASON = 'The to email does not contain a valid address.';
const FIELD = 'personalizations.0.to.0.email';

/** Shaped like what @sendgrid/client rejects with for an HTTP error answer. */
const responseError = (code: number, headers: Record<string, string> = {}, body: unknown = { errors: [] }, message = 'Error') => ({
  code,
  message,
  response: { headers, body },
});

/** The real class @sendgrid/client throws, built the way the client builds it (from the axios response). */
const RealResponseError = ResponseError as unknown as new (response: {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  data: unknown;
}) => ResponseError;

describe('classify', () => {
  it('400 with SendGrid errors → rejected, keeping the reason and the field', () => {
    const error = classify(responseError(400, {}, { errors: [{ message: REASON, field: FIELD }] }, 'Bad Request'));
    expect(error).toBeInstanceOf(MailError);
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain(REASON);
    expect(error.message).toContain(FIELD);
    expect(error.message).toContain('400');
  });

  it('the real @sendgrid ResponseError for a 400 → rejected, with the reason', () => {
    const real = new RealResponseError({ status: 400, statusText: 'Bad Request', headers: {}, data: { errors: [{ message: REASON, field: FIELD }] } });
    const error = classify(real);
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain(REASON);
    expect(error.message).toContain(FIELD);
  });

  it('keeps every SendGrid error, and one without a field', () => {
    const error = classify(
      responseError(400, {}, { errors: [{ message: 'Invalid subject.', field: null }, { message: REASON, field: FIELD }] }),
    );
    expect(error.message).toContain('Invalid subject.');
    expect(error.message).toContain(REASON);
  });

  it('falls back to the HTTP message when the body has no errors', () => {
    const error = classify(responseError(400, {}, 'not json', 'Bad Request'));
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('Bad Request');
  });

  it('413 (too large) → rejected', () => {
    expect(classify(responseError(413, {}, { errors: [{ message: 'Payload too large' }] })).kind).toBe('rejected');
  });

  it('429 with x-ratelimit-reset 3 s ahead → rate_limited, retrying in about 3 s', () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 3);
    const error = classify(responseError(429, { 'x-ratelimit-reset': reset }, { errors: [{ message: 'too many requests' }] }));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(4000);
  });

  it.each([
    ['no reset header', {}],
    ['a reset in the past', { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) - 60) }],
    ['a garbled reset', { 'x-ratelimit-reset': 'soon' }],
  ])('429 with %s → rate_limited, retrying after at least a second', (_what, headers: Record<string, string>) => {
    const error = classify(responseError(429, headers));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it.each([500, 502, 503, 504])('%i → unavailable (retried)', (code) => {
    expect(classify(responseError(code, {}, '', 'Service Unavailable')).kind).toBe('unavailable');
  });

  it.each([401, 403])('%i → misconfigured: our key or sender, not the letter (every letter is held)', (code) => {
    const error = classify(responseError(code, {}, { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked' }] }));
    expect(error.kind).toBe('misconfigured');
    expect(error.message).toContain('authorization grant');
  });

  it.each([
    ['an axios timeout', { code: 'ECONNABORTED', message: 'timeout of 100ms exceeded' }],
    ['a reset connection', { code: 'ECONNRESET', message: 'socket hang up' }],
    ['a plain Error', new Error('socket hang up')],
    ['something that is not an error', 'boom'],
  ])('%s (no HTTP answer once the request may have gone) → uncertain: SendGrid may have it', (_what, thrown) => {
    expect(classify(thrown).kind).toBe('uncertain');
  });

  it.each([
    ['a refused connection', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }],
    ['an unknown host', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.sendgrid.invalid' }],
  ])('%s (nothing left) → unavailable, retried', (_what, thrown) => {
    const error = classify(thrown);
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain((thrown as { code: string }).code);
  });

  describe('how long a 429 asks to wait', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    it.each([
      ['Retry-After in seconds only', { 'retry-after': '10' }, 10_000],
      ['Retry-After as a date', { 'retry-after': 'Thu, 03 Dec 2026 12:00:30 GMT' }, 30_000],
      ['X-RateLimit-Reset only', { 'x-ratelimit-reset': String(now / 1000 + 4) }, 4_000],
      ['both: the later one', { 'retry-after': '10', 'x-ratelimit-reset': String(now / 1000 + 2) }, 10_000],
      ['both: the later one, the other way', { 'retry-after': '2', 'x-ratelimit-reset': String(now / 1000 + 7) }, 7_000],
      ['neither', {}, 1_000],
    ])('%s', (_what, headers: Record<string, string>, expected) => {
      expect(throttledFor(headers, now)).toBe(expected);
      expect(classify(responseError(429, headers), now).retryAfterMs).toBe(expected);
    });
  });
});
