import type { KeyObject } from 'node:crypto';
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
});
