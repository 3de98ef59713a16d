import { Inject, Injectable, Optional } from '@nestjs/common';
import type { KeySource } from './keys/key-source';
import type { FeedStatus, RevocationFeed } from './revocation/revocation-feed';
import { JwtAuthGuard } from './jwt-auth.guard';
import type { NormalizedOptions } from './options';
import { AUTH_GUARD_OPTIONS, KEY_SOURCE, REVOCATION_FEED } from './injection-tokens';
import { TokenVerifier } from './verification/token-verifier';

export interface GuardReadiness {
  status: 'ok' | 'degraded' | 'down';
  detail?: string;
}

/**
 * Reports on the guard's background work (keys, revocation feed) for health checks and
 * metrics. It only reads: `AuthGuardLifecycle` starts and stops that work.
 */
@Injectable()
export class AuthGuardStatus {
  constructor(
    @Inject(AUTH_GUARD_OPTIONS) private readonly options: NormalizedOptions,
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Optional() @Inject(REVOCATION_FEED) private readonly feed: RevocationFeed | null,
    private readonly verifier: TokenVerifier,
    private readonly guard: JwtAuthGuard,
  ) {}

  /**
   * `down` without keys (nothing can be verified); `degraded` when revocation news may be
   * stale (ordinary routes still serve; strict ones refuse); `ok` otherwise.
   */
  readiness(strict = this.options.strict): GuardReadiness {
    if (!this.keys.hasKeys()) return { status: 'down', detail: 'no verification keys yet' };
    if (this.feed && !this.feed.isFresh()) {
      const detail = this.feed.status().caughtUp
        ? 'revocation feed silent'
        : 'revocation feed not caught up';
      return { status: strict ? 'down' : 'degraded', detail };
    }
    if (this.feed?.status().source === 'fallback') {
      return { status: 'ok', detail: 'revocation stream out of touch: news from auth-service' };
    }
    return { status: 'ok' };
  }

  snapshot(): {
    keys: ReturnType<NonNullable<KeySource['describe']>> | undefined;
    feed: FeedStatus | undefined;
    cache: { size: number; hits: number; misses: number };
    outcomes: Record<string, number>;
  } {
    return {
      keys: this.keys.describe?.(),
      feed: this.feed?.status(),
      cache: { size: this.verifier.cache.size, ...this.verifier.counts },
      outcomes: Object.fromEntries(this.guard.outcomes),
    };
  }
}
