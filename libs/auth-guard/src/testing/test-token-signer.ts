import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AccessTokenClaims } from '../auth-user';
import type { Role } from '../constants';
import type { PublicJwk } from '../keys/jwk';
import { signAccessToken, signRawJws } from './raw-jws';

export interface TestTokenOptions {
  userId?: string;
  sessionId?: string;
  role?: Role;
  /** Audiences the token is good for (default: the signer's audience). */
  audience?: string[];
  /** Lifetime in seconds (default 900). */
  expiresIn?: number;
  /** Issue time in seconds (default: now). */
  issuedAt?: number;
  /** Any claim to override or add, e.g. `{ iss: 'someone-else' }`. */
  claims?: Partial<Record<keyof AccessTokenClaims, unknown>> & Record<string, unknown>;
}

/**
 * Mints access tokens for other teams' tests: give `signer.jwks` to
 * `AuthGuardModule.forRoot({ keys: signer.jwks, ... })`, then call `signer.token()`.
 * The keys are generated in memory for the test run; nothing here can mint a token a
 * real service would accept.
 */
export class TestTokenSigner {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;

  /**
   * `key`: sign with an existing P-256 private key (e.g. a service's own signing key in its
   * e2e tests, so hostile tokens carry a genuine signature); a fresh key otherwise.
   */
  constructor(
    readonly issuer = 'http://auth.test',
    readonly audience = 'test-service',
    kid?: string,
    key?: KeyObject,
  ) {
    const { privateKey, publicKey } = key
      ? { privateKey: key, publicKey: createPublicKey(key) }
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.kid = kid ?? `test-${randomUUID().slice(0, 8)}`;
    this.privateKey = privateKey;
    const { x, y } = publicKey.export({ format: 'jwk' });
    this.publicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: x!,
      y: y!,
      kid: this.kid,
      alg: 'ES256',
      use: 'sig',
    };
  }

  get jwks(): PublicJwk[] {
    return [this.publicJwk];
  }

  claims(options: TestTokenOptions = {}): AccessTokenClaims {
    const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
    return {
      iss: this.issuer,
      aud: options.audience ?? [this.audience],
      sub: options.userId ?? randomUUID(),
      sid: options.sessionId ?? randomUUID(),
      role: options.role ?? 'user',
      iat,
      exp: iat + (options.expiresIn ?? 900),
      jti: randomUUID(),
      ...(options.claims as Partial<AccessTokenClaims>),
    };
  }

  /** A valid token (unless `claims` overrides make it otherwise). */
  token(options: TestTokenOptions = {}): string {
    return signAccessToken(this.claims(options), this.privateKey, this.kid);
  }

  /** A token with any header and payload, signed with this key: for negative tests. */
  raw(header: Record<string, unknown>, payload: Record<string, unknown>): string {
    return signRawJws(header, payload, this.privateKey);
  }
}
