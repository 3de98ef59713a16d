import type { ServiceTokensOptions } from '@hybrid-auth/auth-guard';
import type { EnvReader } from './env-reader';
import { refusePlainHttp } from './plain-http';

/**
 * A downstream service's identity at auth-service's token endpoint, for the services that call
 * another one (docs/service-identity.md): AUTH_CLIENT_ID (default: its own audience),
 * AUTH_CLIENT_KEY (its private P-256 JWK; usually AUTH_CLIENT_KEY_FILE, a mounted file) and
 * AUTH_TOKEN_URL (default: beside the JWKS, `/auth/token`). Without a key, undefined: the
 * service then forwards the caller's own token (and says so at start).
 */
export function readServiceClient(
  read: EnvReader,
  defaults: { clientId: string; issuer: string; jwksUrl: string },
): ServiceTokensOptions | undefined {
  const keyText = read.optionalString('AUTH_CLIENT_KEY');
  if (keyText === undefined) return undefined;
  const clientId = read.string('AUTH_CLIENT_ID', defaults.clientId);
  // Beside the JWKS by default; a JWKS URL that is wrong already has its own message.
  const derived = /^https?:\/\//.test(defaults.jwksUrl)
    ? new URL('/auth/token', defaults.jwksUrl).href
    : 'http://127.0.0.1:3000/auth/token';
  const tokenUrl = read.url('AUTH_TOKEN_URL', ['http:', 'https:'], derived);
  // The user's token travels in the request body: like the JWKS, https in production.
  refusePlainHttp(read, { AUTH_TOKEN_URL: tokenUrl });
  let key: Record<string, unknown> | undefined;
  try {
    key = JSON.parse(keyText) as Record<string, unknown>;
  } catch {
    key = undefined;
  }
  const usable =
    key?.kty === 'EC' &&
    key.crv === 'P-256' &&
    typeof key.d === 'string' &&
    typeof key.kid === 'string';
  if (!usable) {
    read.fail('AUTH_CLIENT_KEY must be a private EC P-256 JWK with a kid');
    return undefined;
  }
  return { tokenUrl, issuer: defaults.issuer, clientId, privateKey: key! };
}
