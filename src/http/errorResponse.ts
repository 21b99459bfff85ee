// The one place where error codes become HTTP answers. Every error leaves as
// {"error": {"code", "message", "fields"?, "choices"?}}: no stack traces, no driver messages.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../domain/errors';
import type { Logger } from '../adapters/logger';
import { httpError, type AnyErrorCode } from './errorCodes';
import { errorMessage, fieldMessages, requestLocale } from './messages';
import { loggedPath } from './requestParts';

const HTTP_STATUS: Record<AnyErrorCode, number> = {
  validation_failed: 400,
  invalid_postal_code: 400,
  invalid_json: 400,
  try_again: 400,
  unauthorized: 401,
  invalid_signature: 401,
  csrf_failed: 403,
  not_retryable: 409,
  not_a_petition: 409,
  slug_taken: 409,
  nothing_to_publish: 409,
  draft_changed: 409,
  forbidden: 403,
  account_exists: 409,
  last_owner: 409,
  sign_in_link_invalid: 410,
  accounts_exist: 409,
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

export type ServiceError = AppError<AnyErrorCode>;

export const httpStatusOf = (code: AnyErrorCode): number => HTTP_STATUS[code];

/**
 * Errors that express and its body parsers raise about a request (too large, not JSON, an
 * encoding it cannot read, a malformed %-escape in the path): the client's fault, so a 4xx.
 */
function fromRequestError(error: { type?: string; status?: number; statusCode?: number; name?: string; code?: string }): ServiceError | null {
  // multer's (an upload): too big, too many files or fields, a field it was not told of.
  if (error.name === 'MulterError') return error.code === 'LIMIT_FILE_SIZE' ? httpError('payload_too_large') : new AppError('validation_failed', { internal: `upload: ${error.code}` });
  switch (error.type) {
    case 'entity.too.large':
      return httpError('payload_too_large');
    case 'entity.parse.failed':
      return httpError('invalid_json');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return httpError('unsupported_media_type');
  }
  const status = error.status ?? error.statusCode;
  if (status === 413) return httpError('payload_too_large');
  if (status === 415) return httpError('unsupported_media_type');
  return typeof status === 'number' && status >= 400 && status < 500 ? new AppError('validation_failed', { internal: 'the request could not be read' }) : null;
}

/** Any error as the service's own: known ones keep their code; the rest are `internal`. */
export function asAppError(error: unknown): { error: ServiceError; expected: boolean } {
  if (error instanceof AppError) return { error: error as ServiceError, expected: true };
  const known = error && typeof error === 'object' ? fromRequestError(error) : null;
  return known ? { error: known, expected: true } : { error: new AppError('internal'), expected: false };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { error: appError, expected } = asAppError(error);
    if (!expected) log.error({ err: error, path: loggedPath(req) }, 'unexpected error');
    else if (appError.details.internal) log.warn({ code: appError.code, why: appError.details.internal, path: loggedPath(req) }, appError.code);
    const { fields, problems, choices, retryAfterSeconds } = appError.details;
    const locale = requestLocale(req);
    if (retryAfterSeconds) res.set('Retry-After', String(retryAfterSeconds));
    res.status(HTTP_STATUS[appError.code]).json({
      error: {
        code: appError.code,
        message: errorMessage(locale, appError.code),
        ...(fields || problems ? { fields: { ...(fields ? fieldMessages(locale, fields) : {}), ...problems } } : {}),
        ...(choices ? { choices } : {}),
      },
    });
  };
}

export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('not_found'));
