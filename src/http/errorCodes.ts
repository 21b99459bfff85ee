// The codes only the HTTP layer raises: about how a request was sent (its body, its type, its
// size, its pace) or who sent it (sign-in, CSRF, a webhook's signature), never about what it
// asked. They are AppErrors like the domain's, mapped to HTTP with them in errorResponse.ts.
import { AppError, ERROR_CODES, type AppErrorDetails, type ErrorCode } from '../domain/errors';

export const TRANSPORT_CODES = [
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'try_again',
  'unauthorized',
  'invalid_signature',
  'csrf_failed',
  'admin_not_configured',
] as const;

export type TransportCode = (typeof TRANSPORT_CODES)[number];
export type AnyErrorCode = ErrorCode | TransportCode;

export const ALL_ERROR_CODES: readonly AnyErrorCode[] = [...ERROR_CODES, ...TRANSPORT_CODES];

export const httpError = (code: TransportCode, details?: AppErrorDetails): AppError<TransportCode> => new AppError(code, details);
