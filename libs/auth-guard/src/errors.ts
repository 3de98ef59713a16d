import { HttpException } from '@nestjs/common';

export type AuthErrorCode =
  | 'missing_token'
  | 'invalid_token'
  | 'token_expired'
  | 'session_revoked'
  | 'token_stale'
  | 'forbidden'
  | 'email_not_verified'
  | 'unavailable';

const STATUS: Record<AuthErrorCode, number> = {
  missing_token: 401,
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  token_stale: 401,
  forbidden: 403,
  email_not_verified: 403,
  unavailable: 503,
};

/**
 * A verification failure with a stable `code`. The body sent to clients is exactly
 * `{ code, message }`; `reason` says which check failed, for logs and metrics only
 * (clients learn nothing that would help forge a token).
 */
export class AuthError extends HttpException {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly reason: string = code,
  ) {
    super({ code, message }, STATUS[code]);
  }
}

const MESSAGES: Record<AuthErrorCode, string> = {
  missing_token: 'An access token is required',
  invalid_token: 'The access token is invalid',
  token_expired: 'The access token has expired',
  session_revoked: 'The session of this access token has ended',
  token_stale: 'Your role or status changed: refresh to get a new access token',
  forbidden: 'You are not allowed to do this',
  email_not_verified: 'Verify your e-mail address first',
  unavailable: 'Token verification is temporarily unavailable',
};

/** Builds an AuthError with the standard message for its code. */
export function authError(code: AuthErrorCode, reason?: string): AuthError {
  return new AuthError(code, MESSAGES[code], reason ?? code);
}
