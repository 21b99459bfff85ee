// The one place where error codes become HTTP answers. Every error leaves as
// {"error": {"code", "message", "fields"?, "choices"?}}: no stack traces, no driver messages.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorCode } from '../domain/errors';
import { AppError } from '../domain/errors';
import type { Logger } from '../adapters/logger';
import { errorMessage, fieldMessages, requestLocale } from './messages';
import { loggedPath } from './requestParts';

const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_postal_code: 400,
  invalid_json: 400,
  try_again: 400,
  unauthorized: 401,
  invalid_signature: 401,
  csrf_failed: 403,
  not_retryable: 409,
  not_a_petition: 409,
  admin_not_configured: 503,
  not_found: 404,
  campaign_not_found: 404,
  postal_code_not_found: 404,
  district_required: 409,
  campaign_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  lookup_unavailable: 503,
  unavailable: 503,
};

export const httpStatusOf = (code: ErrorCode): number => HTTP_STATUS[code];

/**
 * Errors that express and its body parsers raise about a request (too large, not JSON, an
 * encoding it cannot read, a malformed %-escape in the path): the client's fault, so a 4xx.
 */
function fromRequestError(error: { type?: string; status?: number; statusCode?: number }): AppError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large (16 KB at most).');
    case 'entity.parse.failed':
      return new AppError('invalid_json', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Send the body as UTF-8 JSON or as a form.');
  }
  const status = error.status ?? error.statusCode;
  if (status === 413) return new AppError('payload_too_large', 'The request body is too large (16 KB at most).');
  if (status === 415) return new AppError('unsupported_media_type', 'Send the body as UTF-8 JSON or as a form.');
  return typeof status === 'number' && status >= 400 && status < 500 ? new AppError('validation_failed', 'The request could not be read.') : null;
}

/** Any error as the service's own: known ones keep their code; the rest are `internal`. */
export function asAppError(error: unknown): { error: AppError; expected: boolean } {
  if (error instanceof AppError) return { error, expected: true };
  const known = error && typeof error === 'object' ? fromRequestError(error) : null;
  return known ? { error: known, expected: true } : { error: new AppError('internal', 'Something went wrong on our side. Please try again.'), expected: false };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { error: appError, expected } = asAppError(error);
    if (!expected) log.error({ err: error, path: loggedPath(req) }, 'unexpected error');
    else if (appError.details.internal) log.warn({ code: appError.code, why: appError.details.internal, path: loggedPath(req) }, appError.code);
    const { fields, choices, retryAfterSeconds } = appError.details;
    const locale = requestLocale(req);
    if (retryAfterSeconds) res.set('Retry-After', String(retryAfterSeconds));
    res.status(HTTP_STATUS[appError.code]).json({
      error: {
        code: appError.code,
        message: errorMessage(locale, appError.code),
        ...(fields ? { fields: fieldMessages(locale, fields) } : {}),
        ...(choices ? { choices } : {}),
      },
    });
  };
}

export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('not_found', 'There is nothing at this address.'));
