import { HttpException } from '@nestjs/common';

/**
 * The closed set of error codes clients may see (docs/api.md). Transport-level codes
 * (`payload_too_large`, `unsupported_media_type`, `internal_error`) cover what the
 * framework itself rejects before a handler runs.
 */
export const ERROR_CODES = [
  'validation_failed',
  'missing_token',
  'invalid_token',
  'token_expired',
  'session_revoked',
  'token_stale',
  'invalid_credentials',
  'invalid_refresh_token',
  'refresh_token_reused',
  'forbidden',
  'csrf_rejected',
  'not_found',
  'email_taken',
  'invalid_email_token',
  'email_not_verified',
  'insufficient_user_authentication',
  // POST /auth/token only (RFC 6749 §5.2, RFC 8693 §2.2.2): bodies also carry `error`.
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'invalid_target',
  'unauthorized_client',
  'unsupported_grant_type',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown[];
  /** OAuth clients read these (RFC 6749 §5.2): the token endpoint's answers only. */
  error?: string;
  error_description?: string;
}

/**
 * An HTTP error with a stable code; the body is exactly `{ code, message, details? }`, plus
 * `error` and `error_description` (the same code and message) when `oauth` is set.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    options: {
      details?: unknown[];
      cause?: unknown;
      headers?: Record<string, string>;
      oauth?: boolean;
    } = {},
  ) {
    const body: ErrorBody = { code, message };
    if (options.details) body.details = options.details;
    if (options.oauth) Object.assign(body, { error: code, error_description: message });
    super(body, status, { cause: options.cause });
    this.headers = options.headers ?? {};
  }

  readonly headers: Record<string, string>;
}

export const notFound = (what = 'Resource') => new ApiError(404, 'not_found', `${what} not found`);

export const unavailable = (message: string, cause?: unknown) =>
  new ApiError(503, 'unavailable', message, { cause });
