import { HttpException } from '@nestjs/common';

export type AuthErrorCode =
  | 'missing_token'
  | 'invalid_token'
  | 'token_expired'
  | 'session_revoked'
  | 'token_stale'
  | 'forbidden'
  | 'email_not_verified'
  | 'insufficient_user_authentication'
  | 'unavailable';

const STATUS: Record<AuthErrorCode, number> = {
  missing_token: 401,
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  token_stale: 401,
  forbidden: 403,
  email_not_verified: 403,
  insufficient_user_authentication: 401,
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
    /** The whole `WWW-Authenticate` value, when the code needs more than the usual one. */
    readonly challenge?: string,
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
  insufficient_user_authentication:
    'This needs a stronger or more recent sign-in: verify a second factor or sign in again',
  unavailable: 'Token verification is temporarily unavailable',
};

/** Builds an AuthError with the standard message for its code. */
export function authError(code: AuthErrorCode, reason?: string): AuthError {
  return new AuthError(code, MESSAGES[code], reason ?? code);
}

/**
 * 401 `insufficient_user_authentication` with its RFC 9470 challenge: `acr_values="aal2"`
 * when a second factor is wanted, `max_age` when the sign-in is too old.
 */
export function stepUpError(want: { aal2?: boolean; maxAge?: number }, reason: string): AuthError {
  const params = ['error="insufficient_user_authentication"'];
  params.push(`error_description="${MESSAGES.insufficient_user_authentication}"`);
  if (want.aal2) params.push('acr_values="aal2"');
  if (want.maxAge !== undefined) params.push(`max_age=${want.maxAge}`);
  const code = 'insufficient_user_authentication';
  return new AuthError(code, MESSAGES[code], reason, `Bearer ${params.join(', ')}`);
}
