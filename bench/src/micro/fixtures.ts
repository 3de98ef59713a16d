import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import type { PublicJwk } from '@hybrid-auth/auth-guard';
import jwt from 'jsonwebtoken';
import { createSecretKey, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const ISSUER = 'http://auth.bench';
export const AUDIENCE = 'bench-service';

/** The claims auth-service puts in every access token, 15 minutes from now. */
export function claims(now = Math.floor(Date.now() / 1000)) {
  return {
    iss: ISSUER,
    aud: ['catalog-service', 'orders-service', 'billing-service', AUDIENCE, 'auth-service'],
    sub: randomUUID(),
    sid: randomUUID(),
    role: 'user' as const,
    iat: now,
    exp: now + 900,
    jti: randomUUID(),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface Fixtures {
  /** `sign()`: another token with the same key and fresh claims (a new jti, sub and sid). */
  es256: { token: string; publicKey: KeyObject; jwk: PublicJwk; sign: () => string };
  eddsa: { token: string; publicKey: KeyObject };
  hs256: { token: string; secret: string; key: KeyObject };
}

/** One token per algorithm, with identical claims and the `typ` each would carry. */
export function fixtures(): Fixtures {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = ec.publicKey.export({ format: 'jwk' });
  const jwk: PublicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: x!,
    y: y!,
    kid: 'bench-es256',
    alg: 'ES256',
    use: 'sig',
  };
  const ed = generateKeyPairSync('ed25519');
  const edInput = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'bench-eddsa' })}.${b64(claims())}`;
  const edSignature = sign(null, Buffer.from(edInput), ed.privateKey).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return {
    es256: {
      token: signAccessToken(claims(), ec.privateKey, jwk.kid),
      publicKey: ec.publicKey,
      jwk,
      sign: () => signAccessToken(claims(), ec.privateKey, jwk.kid),
    },
    eddsa: { token: `${edInput}.${edSignature}`, publicKey: ed.publicKey },
    hs256: {
      token: jwt.sign(claims(), secret, { algorithm: 'HS256' }),
      secret,
      key: createSecretKey(Buffer.from(secret)),
    },
  };
}
