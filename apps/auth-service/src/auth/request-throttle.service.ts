import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import type { Limit } from './rate-limiter';
import { RateLimiter } from './rate-limiter';
import { throttleKeys } from './throttle-keys';

/**
 * Limits on the other endpoints an anonymous caller can make expensive: refresh and logout by
 * refresh token (a row lock and a few HMACs each), per session id and per client IP, and
 * registration (an argon2 hash each: about 120 a second fill the thread pool logins queue
 * behind), per client IP. Every request is counted before its work, like sign-ins. The
 * defaults (AuthConfig.requestThrottle) sit far above what a legitimate client does.
 */
@Injectable()
export class RequestThrottleService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly limiter: RateLimiter,
  ) {}

  /** A refresh or a logout by refresh token; `sessionId` when the token names one. */
  async sessionRequest(
    action: 'refresh' | 'logout',
    sessionId: string | undefined,
    ip: string,
  ): Promise<void> {
    const { refreshPerSession, refreshPerIp, refreshWindowSeconds } = this.config.requestThrottle;
    const windowSeconds = refreshWindowSeconds;
    const limits: Limit[] = [
      { key: throttleKeys.ip(action, ip), max: refreshPerIp, windowSeconds, scope: `${action}_ip` },
    ];
    if (sessionId) {
      limits.push({
        key: throttleKeys.session(action, sessionId),
        max: refreshPerSession,
        windowSeconds,
        scope: `${action}_session`,
      });
    }
    await this.limiter.enforce(limits, 'Too many requests; try again later');
  }

  async register(ip: string): Promise<void> {
    const { registerPerIp, registerWindowSeconds } = this.config.requestThrottle;
    await this.limiter.enforce(
      [
        {
          key: throttleKeys.ip('register', ip),
          max: registerPerIp,
          windowSeconds: registerWindowSeconds,
          scope: 'register_ip',
        },
      ],
      'Too many sign-ups from this address; try again later',
    );
  }
}
