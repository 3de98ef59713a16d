import { oauthError } from './oauth-errors';

export const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const GRANT_CLIENT_CREDENTIALS = 'client_credentials';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The parameters of a token request, each given at most once. */
export type TokenParams = Partial<Record<string, string>>;

const MAX_PARAM_LENGTH = 8192;

/**
 * A token request's body (form-encoded, or JSON), as single string parameters. RFC 6749 §3.2
 * says a parameter must not repeat: a repeated one (an array from the form parser) is refused,
 * `audience` with `invalid_target` (we issue a token for exactly one audience).
 */
export function readTokenParams(body: unknown): TokenParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw oauthError('invalid_request', 'Send the parameters form-encoded or as a JSON object');
  }
  const params: TokenParams = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      throw name === 'audience'
        ? oauthError('invalid_target', 'Ask for exactly one audience per token')
        : oauthError('invalid_request', `${name} is given more than once`);
    }
    if (typeof value !== 'string' || value.length > MAX_PARAM_LENGTH) {
      throw oauthError('invalid_request', `${name} must be a string`);
    }
    if (value !== '') params[name] = value;
  }
  return params;
}

export function required(params: TokenParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw oauthError('invalid_request', `${name} is required`);
  return value;
}
