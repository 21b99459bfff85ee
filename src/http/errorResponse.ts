// The one place where error codes become HTTP answers. Every error leaves as
// {"error": {"code", "message", "fields"?, "choices"?}}: no stack traces, no driver messages.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorCode } from '../domain/errors';
import { AppError } from '../domain/errors';
import type { Logger } from '../adapters/logger';
import { errorMessage, fieldMessages, requestLocale } from './messages';

const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_postal_code: 400,
  invalid_json: 400,
  try_again: 400,
  unauthorized: 401,
  invalid_signature: 401,
  csrf_failed: 403,
  not_retryable: 409,
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

/** Errors raised by express's own body parsers, in the service's terms. */
function fromBodyParser(error: { type?: string; status?: number }): AppError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large (16 KB at most).');
    case 'entity.parse.failed':
      return new AppError('invalid_json', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Send the body as UTF-8 JSON or as a form.');
    default:
      return error.status && error.status >= 400 && error.status < 500 && error.type
        ? new AppError('validation_failed', 'The request could not be read.')
        : null;
  }
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof AppError ? error : fromBodyParser(error ?? {});
    const appError = known ?? new AppError('internal', 'Something went wrong on our side. Please try again.');
    if (!known) log.error({ err: error, path: req.path }, 'unexpected error');
    else if (appError.details.internal) log.warn({ code: appError.code, why: appError.details.internal, path: req.path }, appError.code);
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
