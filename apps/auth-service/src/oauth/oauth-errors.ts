import { ApiError } from '@hybrid-auth/platform';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_target'
  | 'unauthorized_client'
  | 'unsupported_grant_type';

/**
 * A refusal of the token endpoint: `{ code, message, error, error_description }`, 400 except
 * `invalid_client` (401), as RFC 6749 §5.2 and RFC 8693 §2.2.2 name them. The messages say
 * what was wrong with the request, never which check of a signature failed.
 */
export function oauthError(code: OAuthErrorCode, message: string): ApiError {
  return new ApiError(code === 'invalid_client' ? 401 : 400, code, message, {
    oauth: true,
    headers: { 'cache-control': 'no-store' },
  });
}
