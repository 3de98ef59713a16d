import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import jwt from 'jsonwebtoken';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** Everything a token needs to look like auth-service's own. */
export interface TokenProfile {
  issuer: string;
  audiences: string[];
  ttlSeconds: number;
}

export interface SigningKey {
  file: string;
  kid: string;
  privateKey: KeyObject;
}

/**
 * A signing-key file for auth-service (AUTH_SIGNING_KEYS_FILE). auth-service signs every
 * login with it and publishes its public half in the JWKS the guard fetches; the bench keeps
 * the private half only to mint the many distinct tokens of the "new token per request" run,
 * in auth-service's format (signAccessToken, the guard's testing signer, writes the header and
 * claims auth-service writes through @nestjs/jwt; its e2e tests check the two agree).
 */
export function writeSigningKey(file: string): SigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  const kid = createHash('sha256').update(canonical).digest('base64url');
  const document = { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] };
  writeFileSync(file, JSON.stringify(document), { mode: 0o600 });
  return { file, kid, privateKey };
}

export interface Subject {
  userId: string;
  sessionId: string;
}

export const claimsFor = (subject: Subject, profile: TokenProfile, nowSeconds: number) => ({
  iss: profile.issuer,
  aud: profile.audiences,
  sub: subject.userId,
  sid: subject.sessionId,
  role: 'user' as const,
  iat: nowSeconds,
  exp: nowSeconds + profile.ttlSeconds,
  jti: randomUUID(),
});

/** `count` distinct ES256 access tokens for live sessions, as auth-service would issue them. */
export function mintAccessTokens(
  key: SigningKey,
  profile: TokenProfile,
  subjects: Subject[],
  count: number,
): string[] {
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const subject = subjects[i % subjects.length];
    tokens.push(signAccessToken(claimsFor(subject, profile, now), key.privateKey, key.kid));
  }
  return tokens;
}

/**
 * HS256 tokens with the same claims, signed the way the article does (a shared string secret).
 * They live an hour, as JWT-only setups' tokens tend to: a run is longer than 15 minutes, and
 * the lifetime changes nothing in what verification costs.
 */
export function mintHs256Tokens(
  secret: string,
  profile: TokenProfile,
  subjects: Subject[],
): string[] {
  const now = Math.floor(Date.now() / 1000);
  const hour = { ...profile, ttlSeconds: 3600 };
  return subjects.map((s) => jwt.sign(claimsFor(s, hour, now), secret, { algorithm: 'HS256' }));
}

/** An opaque session id as a session-cookie store would hand out: 192 random bits. */
export const opaqueSessionId = () => randomBytes(24).toString('base64url');

export const randomSecret = () => randomBytes(32).toString('base64url');
