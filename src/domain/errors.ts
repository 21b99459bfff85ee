// The one error type of the service. Codes are stable: clients and tests match on them.
// How each code becomes an HTTP answer is decided in one place: src/http/errorResponse.ts.

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
  'try_again',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_json',
  'unauthorized',
  'invalid_signature',
  'csrf_failed',
  'admin_not_configured',
  'not_retryable',
  'not_a_petition',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type FieldProblem = 'required' | 'invalid' | 'too_long';

export interface AppErrorDetails {
  /** Per-field problems (`required`, `invalid`, `too_long`…), for validation errors; the HTTP layer words them. */
  fields?: Record<string, FieldProblem>;
  /** The ridings a supporter can pick from, for `district_required`. */
  choices?: Array<{ district: string; name: string }>;
  /** Seconds before trying again, for rate limits and outages. */
  retryAfterSeconds?: number;
  /** What went wrong underneath, for logs only: never sent to clients. */
  internal?: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
