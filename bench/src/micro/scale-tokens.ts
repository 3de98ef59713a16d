import type { AuthUser, TokenVerifier } from '@hybrid-auth/auth-guard';
import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { claims } from './fixtures';

/* Tokens of auth-service's size and every claim it writes, and the user the guard caches. */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A flat one-byte string, as read from a socket (concatenation builds a rope). */
export const flat = (text: string) => Buffer.from(text, 'latin1').toString('latin1');

/** Every claim auth-service writes into an access token (access-tokens.service.ts). */
function fullClaims(now: number) {
  return {
    ...claims(now),
    email_verified: true,
    aal: 'aal1' as const,
    amr: ['pwd' as const],
    auth_time: now,
    mfa_enrolled: false,
  };
}

/**
 * The user object the guard caches for these claims, built as `checkClaims` builds it (same
 * spreads, same frozen arrays, strings fresh from JSON.parse). Signing and verifying a million
 * ES256 tokens would take minutes; `TokenShapes.check` compares its keys with a real verified one.
 */
function userOf(payloadJson: string): AuthUser {
  const p = JSON.parse(payloadJson) as ReturnType<typeof fullClaims>;
  const strength = {
    ...(p.aal === undefined ? {} : { aal: p.aal as 'aal1' }),
    ...(p.amr === undefined ? {} : { amr: Object.freeze([...(p.amr as 'pwd'[])]) }),
    ...(p.auth_time === undefined ? {} : { authTime: p.auth_time }),
    ...(p.mfa_enrolled === undefined ? {} : { mfaEnrolled: p.mfa_enrolled }),
  };
  return Object.freeze({
    userId: p.sub,
    sessionId: p.sid,
    role: p.role,
    audience: Object.freeze([...p.aud.map(String)]),
    tokenId: p.jti,
    issuedAt: p.iat,
    expiresAt: p.exp,
    ...(p.email_verified === undefined ? {} : { emailVerified: p.email_verified }),
    ...strength,
  });
}

/** Tokens of auth-service's size and shape (header, every claim, an 86-character signature). */
export class TokenShapes {
  private readonly header: string;

  constructor(kid: string) {
    this.header = b64({ alg: 'ES256', typ: 'at+jwt', kid });
  }

  /** A token and the user the guard would cache for it. The signature is random bytes. */
  make(now: number): { token: string; user: AuthUser } {
    const json = JSON.stringify(fullClaims(now));
    const payload = Buffer.from(json).toString('base64url');
    const signature = randomBytes(64).toString('base64url');
    return { token: flat(`${this.header}.${payload}.${signature}`), user: userOf(json) };
  }

  /** Guards the shape above: the real verifier's user for a really signed token has the same keys. */
  static async check(verifier: TokenVerifier, privateKey: KeyObject, kid: string): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const claims = fullClaims(now);
    const real = await verifier.verify(signAccessToken(claims, privateKey, kid));
    const mine = userOf(JSON.stringify(claims));
    const keys = (u: object) => Object.keys(u).join(',');
    if (keys(real) !== keys(mine)) {
      throw new Error(`cached user shape differs: guard ${keys(real)}, bench ${keys(mine)}`);
    }
  }
}
