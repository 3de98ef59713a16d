import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP } from '../constants';
import type { AccessTokenClaims, MachineTokenClaims } from '../auth-user';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs an access token in the one format every guard accepts: compact JWS, header
 * `{ alg: ES256, typ: at+jwt, kid }`, signature r || s (64 bytes, RFC 7518 §3.4), by hand
 * with node:crypto. For tests and testing helpers only: auth-service issues its tokens
 * through `@nestjs/jwt`, and its e2e tests check both write the same header and claims.
 * The hand-written form stays here because the hostile-token corpus must also write tokens
 * no JWT library would produce (see `signRawJws`).
 */
export function signAccessToken(
  claims: AccessTokenClaims | MachineTokenClaims,
  privateKey: KeyObject,
  kid: string,
): string {
  const signingInput = `${encode({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Signs any header and payload with an EC key; for tests that need malformed-but-signed tokens. */
export function signRawJws(header: unknown, payload: unknown, privateKey: KeyObject): string {
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}
