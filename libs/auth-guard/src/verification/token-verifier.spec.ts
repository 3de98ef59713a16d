import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AuthUser } from '../auth-user';
import { AuthError } from '../errors';
import { StaticKeySource } from '../keys/key-source';
import type { KeySource } from '../keys/key-source';
import { normalizeOptions } from '../options';
import { TestTokenSigner } from '../testing';
import { HybridJwtStrategy } from './hybrid-jwt.strategy';
import { TokenVerifier } from './token-verifier';

const signer = new TestTokenSigner('http://auth.test', 'probe-service');

function verifierWith(keys: KeySource, clock: () => number = Date.now): TokenVerifier {
  const options = normalizeOptions({
    issuer: signer.issuer,
    audience: 'probe-service',
    keySource: keys,
    clock,
  });
  return new TokenVerifier(options, keys, new HybridJwtStrategy(options));
}

async function codeOf(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

/** A key source that knows nothing yet, or only the signer's key, and counts refetches. */
class CountingKeySource implements KeySource {
  refreshes = 0;
  constructor(private readonly inner?: StaticKeySource) {}
  get(kid: string): KeyObject | undefined {
    return this.inner?.get(kid);
  }
  hasKeys(): boolean {
    return this.inner !== undefined;
  }
  async refreshForUnknownKid(): Promise<void> {
    this.refreshes += 1;
  }
}

describe('TokenVerifier', () => {
  it('returns the user of a valid token, then serves it from the cache synchronously', async () => {
    const verifier = verifierWith(new StaticKeySource(signer.jwks));
    const token = signer.token({ role: 'admin' });
    const first = await verifier.verify(token);
    const second = verifier.verify(token);
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as AuthUser).role).toBe('admin');
    expect(second).toEqual(first);
    expect(verifier.counts).toEqual({ hits: 1, misses: 1 });
  });

  it('refuses a cached token as token_expired once exp + leeway has passed', async () => {
    let now = Date.now();
    const verifier = verifierWith(new StaticKeySource(signer.jwks), () => now);
    const token = signer.token({ expiresIn: 60 });
    await verifier.verify(token);
    now += (60 + 30) * 1000;
    expect(await codeOf(verifier, token)).toBe('token_expired');
  });

  it('refuses an unknown kid as invalid_token after asking the key source once', async () => {
    const keys = new CountingKeySource(new StaticKeySource(signer.jwks));
    const verifier = verifierWith(keys);
    const stranger = new TestTokenSigner(signer.issuer, 'probe-service');
    expect(await codeOf(verifier, stranger.token())).toBe('invalid_token');
    expect(keys.refreshes).toBe(1);
  });

  it('answers unavailable, not invalid_token, while no key is loaded', async () => {
    const keys = new CountingKeySource();
    expect(await codeOf(verifierWith(keys), signer.token())).toBe('unavailable');
    expect(keys.refreshes).toBe(0);
  });

  it('refuses a malformed token before looking for a key', async () => {
    const keys = new CountingKeySource();
    expect(await codeOf(verifierWith(keys), 'not-a-jwt')).toBe('invalid_token');
  });

  it('shares one verification between concurrent requests carrying the same token', async () => {
    const keys = new CountingKeySource(new StaticKeySource(signer.jwks));
    const verifier = verifierWith(keys);
    const stranger = new TestTokenSigner(signer.issuer, 'probe-service').token();
    const codes = await Promise.all(Array.from({ length: 20 }, () => codeOf(verifier, stranger)));
    expect(new Set(codes)).toEqual(new Set(['invalid_token']));
    expect(keys.refreshes).toBe(1);
  });

  it('answers a miss whose key is in memory synchronously, through the passport strategy', () => {
    const verifier = verifierWith(new StaticKeySource(signer.jwks));
    const authenticate = jest.spyOn(HybridJwtStrategy.prototype, 'authenticate');
    try {
      const user = verifier.verify(signer.token({ role: 'admin' }));
      expect(user).not.toBeInstanceOf(Promise);
      expect((user as AuthUser).role).toBe('admin');
      expect(Object.isFrozen(user)).toBe(true);
      expect(authenticate).toHaveBeenCalledTimes(1);
    } finally {
      authenticate.mockRestore();
    }
  });

  it('refuses a bad token on the synchronous path by throwing, as a hit that expired does', () => {
    const verifier = verifierWith(new StaticKeySource(signer.jwks));
    const [header, payload] = signer.token().split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64, 1).toString('base64url')}`;
    let outcome: unknown;
    try {
      outcome = verifier.verify(forged);
    } catch (error) {
      outcome = error;
    }
    if (outcome instanceof Promise) outcome.catch(() => undefined);
    expect(outcome).toBeInstanceOf(AuthError);
    expect((outcome as AuthError).code).toBe('invalid_token');
    expect(verifier.cache.size).toBe(0);
  });

  it('decodes the token once: jsonwebtoken does not decode or verify it again', async () => {
    const verifier = verifierWith(new StaticKeySource(signer.jwks));
    const decode = jest.spyOn(jwt, 'decode');
    const verify = jest.spyOn(jwt, 'verify');
    try {
      expect(await codeOf(verifier, signer.token())).toBe('accepted');
      expect(await codeOf(verifier, signer.token({ claims: { iss: 'http://other' } }))).toBe(
        'invalid_token',
      );
      expect(decode).not.toHaveBeenCalled();
      expect(verify).not.toHaveBeenCalled();
    } finally {
      decode.mockRestore();
      verify.mockRestore();
    }
  });

  it.each<[string, () => KeyObject]>([
    ['a P-384 public key', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
    ['an RSA public key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
    ['the P-256 private key itself', () => signer.privateKey],
  ])('refuses a token whose kid a key source maps to %s', async (_name, keyOf) => {
    const key = keyOf();
    const keys: KeySource = { get: () => key, hasKeys: () => true };
    expect(await codeOf(verifierWith(keys), signer.token())).toBe('invalid_token');
  });
});
