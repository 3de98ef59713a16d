import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AUDIENCE, ISSUER } from './fixtures';

interface Claims {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  sid?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/**
 * Minimal compact-JWS verifiers for the algorithms the guard does not implement (EdDSA) and
 * for HS256 done by hand: split, verify the signature, parse and check the claims. What any
 * verifier must do at least, so the figures compare the algorithms, not the libraries.
 */
function parts(token: string): [string, string, Buffer] {
  const lastDot = token.lastIndexOf('.');
  const firstDot = token.indexOf('.');
  return [
    token.slice(0, lastDot),
    token.slice(firstDot + 1, lastDot),
    Buffer.from(token.slice(lastDot + 1), 'base64url'),
  ];
}

function checkClaims(payload: string): Claims {
  const c = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
  const now = Date.now() / 1000;
  const ok =
    c.iss === ISSUER &&
    Array.isArray(c.aud) &&
    c.aud.includes(AUDIENCE) &&
    typeof c.sub === 'string' &&
    typeof c.sid === 'string' &&
    typeof c.exp === 'number' &&
    now < c.exp + 30;
  if (!ok) throw new Error('claims');
  return c;
}

export function eddsaVerifier(publicKey: KeyObject) {
  return (token: string): Claims => {
    const [input, payload, signature] = parts(token);
    if (!verify(null, Buffer.from(input), publicKey, signature)) throw new Error('signature');
    return checkClaims(payload);
  };
}

export function es256SignatureOnly(publicKey: KeyObject) {
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  return (token: string): boolean => {
    const [input, , signature] = parts(token);
    return verify('sha256', Buffer.from(input), key, signature);
  };
}

export function hs256Verifier(key: KeyObject) {
  return (token: string): Claims => {
    const [input, payload, signature] = parts(token);
    const expected = createHmac('sha256', key).update(input).digest();
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new Error('signature');
    }
    return checkClaims(payload);
  };
}

/** The verified-token cache in its simplest form: a Map from token to claims, expiry checked on hit. */
export function withCache<T extends Claims>(verifyToken: (token: string) => T) {
  const cache = new Map<string, T>();
  return (token: string): T => {
    const hit = cache.get(token);
    if (hit !== undefined && (hit.exp as number) > Date.now() / 1000) return hit;
    const claims = verifyToken(token);
    cache.set(token, claims);
    return claims;
  };
}
