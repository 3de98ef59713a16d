import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { AuthUser } from '../auth-user';
import { DEFAULTS } from '../constants';
import { authError } from '../errors';
import type { KeySource } from '../keys/key-source';
import type { NormalizedOptions } from '../options';
import { AUTH_GUARD_OPTIONS, KEY_SOURCE } from '../injection-tokens';
import { HybridJwtStrategy } from './hybrid-jwt.strategy';
import { readToken } from './token-shape';
import type { ReadToken } from './token-shape';
import { VerifiedTokenCache } from './verified-token-cache';

/**
 * Signature and claims, checked once per distinct token.
 *
 * The request path: cache hit → done (a Map lookup). Miss → cheap shape checks, key by
 * kid from memory, then the passport-jwt strategy (signature, claims), all synchronous: the
 * user, or an AuthError thrown, without a promise. Only a kid we do not hold waits, for one
 * bounded JWKS refetch; concurrent requests with that token share the wait and the
 * verification after it.
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

  /**
   * The token's user: synchronously on a cache hit and on a miss whose key is in memory, as
   * a promise only when the key must be fetched first. Throws (or rejects with) AuthError.
   */
  verify(token: string): AuthUser | Promise<AuthUser> {
    const cached = this.cache.get(token, this.options.clock() / 1000);
    if (cached !== undefined) {
      if (cached === 'expired') throw authError('token_expired', 'exp');
      this.counts.hits += 1;
      return cached;
    }
    this.counts.misses += 1;
    const read = readToken(token, DEFAULTS.maxTokenLength);
    const key = this.keys.get(read.header.kid);
    if (key !== undefined) return this.verifyWith(token, read, key);
    if (!this.keys.hasKeys()) throw authError('unavailable', 'no verification keys loaded yet');
    let pending = this.inflight.get(token);
    if (pending === undefined) {
      pending = this.verifyAfterRefetch(token, read).finally(() => this.inflight.delete(token));
      this.inflight.set(token, pending);
    }
    return pending;
  }

  private verifyWith(token: string, read: ReadToken, key: KeyObject): AuthUser {
    // Frozen: one cached object serves every request with this token, so no handler may alter it.
    const user = Object.freeze(this.strategy.authenticateCarrier({ token, key, read }));
    this.cache.set(token, user);
    return user;
  }

  /** Perhaps a key published after our last fetch: at most one refetch per cooldown. */
  private async verifyAfterRefetch(token: string, read: ReadToken): Promise<AuthUser> {
    await this.keys.refreshForUnknownKid?.(read.header.kid);
    const key = this.keys.get(read.header.kid);
    if (!key) throw authError('invalid_token', 'unknown kid');
    return this.verifyWith(token, read, key);
  }
}
