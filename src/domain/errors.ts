// The one error type of the service. An error is a stable code and its details: clients and
// tests match on codes, and the words people read live with the page text (templates/i18n),
// worded in their language by the HTTP layer. How each code becomes an HTTP answer is decided in
// one place: src/http/errorResponse.ts. Codes that only the HTTP layer raises (a body that is not
// JSON, a failed CSRF check…) are declared there; these are the ones the use cases raise.

export const ERROR_CODES = [
  'validation_failed',
  'invalid_postal_code',
  'postal_code_not_found',
  'district_required',
  'campaign_not_found',
  'campaign_closed',
  'lookup_unavailable',
  'not_found',
  'rate_limited',
  'not_retryable',
  'not_a_petition',
  'slug_taken',
  'nothing_to_publish',
  'draft_changed',
  'forbidden',
  'account_exists',
  'last_owner',
  'sign_in_link_invalid',
  'accounts_exist',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type FieldProblem = 'required' | 'invalid' | 'too_long';

export interface AppErrorDetails {
  /** Per-field problems (`required`, `invalid`, `too_long`…), for validation errors; the HTTP layer words them. */
  fields?: Record<string, FieldProblem>;
  /**
   * What is wrong with each part of a campaign definition, by path (`title.fr`, `letters.mp.en`),
   * in words for the campaigner (a template's with its line): sent as they are.
   */
  problems?: Record<string, string>;
  /** The ridings a supporter can pick from, for `district_required`. */
  choices?: Array<{ district: string; name: string }>;
  /** Seconds before trying again, for rate limits and outages. */
  retryAfterSeconds?: number;
  /** What went wrong underneath, for logs only: never sent to clients. */
  internal?: string;
}

export class AppError<Code extends string = ErrorCode> extends Error {
  constructor(
    readonly code: Code,
    readonly details: AppErrorDetails = {},
  ) {
    // The message is for stack traces and logs only; nobody reads it to a supporter.
    super(details.internal ? `${code}: ${details.internal}` : code);
    this.name = 'AppError';
  }
}
