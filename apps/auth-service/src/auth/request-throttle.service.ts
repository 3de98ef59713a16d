import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import type { RefreshToken } from '../sessions/refresh-token';
import { SessionRotationService } from '../sessions/session-rotation.service';
import type { Limit } from './rate-limiter';
import { RateLimiter } from './rate-limiter';
import { throttleKeys } from './throttle-keys';
import type { EmailAction } from './throttle-keys';

/**
 * Limits on the other endpoints an anonymous caller can make expensive: refresh and logout by
 * refresh token (a row lock and a few HMACs each), per session id and per client IP, and
 * registration (an argon2 hash each: about 120 a second fill the thread pool logins queue
 * behind), per client IP. Every request is counted before its work, like sign-ins. The
 * defaults (AuthConfig.requestThrottle) sit far above what a legitimate client does.
 *
 * A session id is no secret (it is in every access token), so anyone could keep a session
 * over its limit and lock its owner out of refresh and logout. Over the per-session limit
 * (and only that one), a request still goes ahead if it carries the session's current or
 * previous token, which is checked without the row lock in at most one HMAC: the flood
 * gets 429 and costs that little, the owner carries on.
 */
@Injectable()
export class RequestThrottleService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly rotation: SessionRotationService,
  ) {}

  /** A refresh or a logout by refresh token; `token` when it is one of our format. */
  async sessionRequest(
    action: 'refresh' | 'logout',
    token: RefreshToken | undefined,
    ip: string,
  ): Promise<void> {
    const { refreshPerSession, refreshPerIp, refreshWindowSeconds } = this.config.requestThrottle;
    const windowSeconds = refreshWindowSeconds;
    const limits: Limit[] = [
      { key: throttleKeys.ip(action, ip), max: refreshPerIp, windowSeconds, scope: `${action}_ip` },
    ];
    if (!token) return this.limiter.enforce(limits, 'Too many requests; try again later');
    const perSession = {
      key: throttleKeys.session(action, token.sessionId),
      max: refreshPerSession,
      windowSeconds,
      scope: `${action}_session`,
    };
    await this.limiter.enforce(
      [...limits, perSession],
      'Too many requests; try again later',
      async (over) =>
        over.every((limit) => limit === perSession) &&
        this.rotation.holdsRecentToken(token, this.clock.now()),
    );
  }

  /** A sign-up: per client IP (the argon2 it costs), and per address (the mail it sends). */
  async register(ip: string, address: string): Promise<void> {
    const { registerPerIp, registerWindowSeconds } = this.config.requestThrottle;
    await this.limiter.enforce(
      [
        {
          key: throttleKeys.ip('register', ip),
          max: registerPerIp,
          windowSeconds: registerWindowSeconds,
          scope: 'register_ip',
        },
        this.perAddress('register', address),
      ],
      'Too many sign-ups from this address; try again later',
    );
  }

  /** Forgot, resend and change: each sends mail to `address`; counted before any work. */
  async email(action: Exclude<EmailAction, 'register'>, address: string, ip: string) {
    const { perIp, windowSeconds } = this.config.email.throttle;
    await this.limiter.enforce(
      [
        { key: throttleKeys.ip(action, ip), max: perIp, windowSeconds, scope: `${action}_ip` },
        this.perAddress(action, address),
      ],
      'Too many requests; try again later',
    );
  }

  private perAddress(action: EmailAction, address: string): Limit {
    const { perAddress, windowSeconds } = this.config.email.throttle;
    return {
      key: throttleKeys.address(action, address),
      max: perAddress,
      windowSeconds,
      scope: `${action}_address`,
    };
  }
}
