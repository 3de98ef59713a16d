import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { RateLimiter } from './rate-limiter';
import { throttleKeys } from './throttle-keys';

/**
 * Password attempts (sign-in, and the current password of POST /auth/password) limited per
 * account and per client IP. Every attempt is counted before argon2 runs and the count decides
 * (see RateLimiter): sixty wrong passwords sent at once get at most the limit of 401s, the
 * rest 429. A right password gives its attempt back: the account's failures are cleared (a
 * legitimate user who mistyped starts afresh) and the address's count goes down by one, so the
 * address limit keeps counting failures only, not busy offices signing in.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly limiter: RateLimiter,
  ) {}

  /** Counts one attempt; 429 `rate_limited` (with Retry-After) once the account or IP is over. */
  async attempt(account: string, ip: string): Promise<void> {
    const { maxPerAccount, maxPerIp, windowSeconds } = this.config.loginThrottle;
    await this.limiter.enforce(
      [
        {
          key: throttleKeys.loginAccount(account),
          max: maxPerAccount,
          windowSeconds,
          scope: 'account',
        },
        { key: throttleKeys.loginIp(ip), max: maxPerIp, windowSeconds, scope: 'ip' },
      ],
      'Too many failed sign-in attempts; try again later',
    );
  }

  /** The password was right: clears the account's failures and gives the address its attempt back. */
  async succeeded(account: string, ip: string): Promise<void> {
    await Promise.all([
      this.limiter.clear(throttleKeys.loginAccount(account)),
      this.limiter.undo([throttleKeys.loginIp(ip)]),
    ]);
  }
}
