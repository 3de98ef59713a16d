import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { AuthUser } from '../auth-user';
import { DEFAULTS } from '../constants';
import { authError } from '../errors';
import type { KeySource } from '../keys/key-source';
import type { NormalizedOptions } from '../options';
import { AUTH_GUARD_OPTIONS, KEY_SOURCE } from '../injection-tokens';
import { HybridJwtStrategy } from './hybrid-jwt.strategy';
import { inspectToken } from './token-shape';
import { VerifiedTokenCache } from './verified-token-cache';

/**
 * Signature and claims, checked once per distinct token.
 *
 * The request path: cache hit → done (a Map lookup). Miss → cheap shape checks, key by
 * kid from memory, then passport-jwt/jsonwebtoken with a `KeyObject`, then every claim.
 * Concurrent misses for the same token share one verification: under load, many requests
 * carry a token the cache has not seen yet, and each would otherwise pay ~80 µs of ECDSA.
 */
@Injectable()
export class TokenVerifier {
  readonly cache: VerifiedTokenCache;
  private readonly inflight = new Map<string, Promise<AuthUser>>();
  readonly counts = { hits: 0, misses: 0 };

  constructor(
    @Inject(AUTH_GUARD_OPTIONS) private readonly options: NormalizedOptions,
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    private readonly strategy: HybridJwtStrategy,
  ) {
    this.cache = new VerifiedTokenCache(options.cacheSize, options.clockLeewaySeconds);
  }

  /** The token's user: synchronously on a cache hit, as a promise otherwise. Throws AuthError. */
  verify(token: string): AuthUser | Promise<AuthUser> {
    const cached = this.cache.get(token, this.options.clock() / 1000);
    if (cached !== undefined) {
      if (cached === 'expired') throw authError('token_expired', 'exp');
      this.counts.hits += 1;
      return cached;
    }
    this.counts.misses += 1;
    let pending = this.inflight.get(token);
    if (pending === undefined) {
      pending = this.verifyUncached(token).finally(() => this.inflight.delete(token));
      this.inflight.set(token, pending);
    }
    return pending;
  }

  private async verifyUncached(token: string): Promise<AuthUser> {
    const header = inspectToken(token, DEFAULTS.maxTokenLength);
    const key = await this.findKey(header.kid);
    // Frozen: one cached object serves every request with this token, so no handler may alter it.
    const user = Object.freeze(await this.strategy.authenticateCarrier({ token, key }));
    this.cache.set(token, user);
    return user;
  }

  private async findKey(kid: string): Promise<KeyObject> {
    const key = this.keys.get(kid);
    if (key) return key;
    if (!this.keys.hasKeys()) throw authError('unavailable', 'no verification keys loaded yet');
    // Perhaps a key published after our last fetch: at most one refetch per cooldown.
    await this.keys.refreshForUnknownKid?.(kid);
    const refreshed = this.keys.get(kid);
    if (!refreshed) throw authError('invalid_token', 'unknown kid');
    return refreshed;
  }
}
