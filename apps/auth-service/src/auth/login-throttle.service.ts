import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AuthMetrics } from '../metrics/auth-metrics';
import { REDIS } from '../redis/redis.module';

/**
 * Redis keys of the login throttle, all built here, under the deployment's AUTH_REDIS_PREFIX.
 * Emails are hashed: no addresses in Redis.
 */
const keysFor = (prefix: string) => ({
  account: (email: string) =>
    `${prefix}auth:login-failures:account:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`,
  ip: (ip: string) => `${prefix}auth:login-failures:ip:${ip}`,
});

// INCR and set the window's expiry on the first failure, atomically.
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Failed logins counted per account and per client IP, shared by every replica through
 * Redis. When Redis is unreachable the counts fall back to this process (and say so in the
 * log): limits get looser across replicas, but never switch off silently.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger('LoginThrottle');
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private warnedFallback = false;
  private readonly keys: ReturnType<typeof keysFor>;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
  ) {
    this.keys = keysFor(config.redisPrefix);
  }

  /** Throws 429 `rate_limited` (with Retry-After) when the account or the IP is over its limit. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const { maxPerAccount, maxPerIp } = this.config.loginThrottle;
    const [account, address] = await Promise.all([
      this.count(this.keys.account(email)),
      this.count(this.keys.ip(ip)),
    ]);
    const blocked = [
      account.count >= maxPerAccount ? account.retryAfter : 0,
      address.count >= maxPerIp ? address.retryAfter : 0,
    ].filter((seconds) => seconds > 0);
    if (blocked.length > 0) {
      const retryAfter = Math.max(1, ...blocked);
      const scope = account.count >= maxPerAccount ? 'account' : 'ip';
      this.metrics.rateLimited.inc({ scope });
      this.logger.warn({ msg: 'login rate limit hit', ip, scope });
      throw new ApiError(429, 'rate_limited', 'Too many failed sign-in attempts; try again later', {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.increment(this.keys.account(email)), this.increment(this.keys.ip(ip))]);
  }

  /** A successful login clears the account's failures (not the IP's). */
  async recordSuccess(email: string): Promise<void> {
    const key = this.keys.account(email);
    this.local.delete(key);
    if (this.redis) await this.redis.del(key).catch(() => undefined);
  }

  private async count(key: string): Promise<{ count: number; retryAfter: number }> {
    if (this.redis) {
      try {
        const [[, count], [, ttl]] = (await this.redis.multi().get(key).ttl(key).exec()) as [
          [Error | null, string | null],
          [Error | null, number],
        ];
        return {
          count: Number(count ?? 0),
          retryAfter: ttl > 0 ? ttl : this.config.loginThrottle.windowSeconds,
        };
      } catch (error) {
        this.fallingBack(error);
      }
    }
    const entry = this.localEntry(key);
    return {
      count: entry?.count ?? 0,
      retryAfter: entry ? Math.ceil((entry.resetAt - this.now()) / 1000) : 0,
    };
  }

  private async increment(key: string): Promise<void> {
    const window = this.config.loginThrottle.windowSeconds;
    if (this.redis) {
      try {
        await this.redis.eval(RECORD_FAILURE, 1, key, window);
        return;
      } catch (error) {
        this.fallingBack(error);
      }
    }
    const entry = this.localEntry(key) ?? { count: 0, resetAt: this.now() + window * 1000 };
    entry.count += 1;
    this.local.set(key, entry);
    if (this.local.size > 100_000) this.local.delete(this.local.keys().next().value!);
  }

  private localEntry(key: string) {
    const entry = this.local.get(key);
    if (entry && entry.resetAt <= this.now()) {
      this.local.delete(key);
      return undefined;
    }
    return entry;
  }

  private fallingBack(error: unknown): void {
    if (this.warnedFallback) return;
    this.warnedFallback = true;
    setTimeout(() => (this.warnedFallback = false), 60_000).unref();
    this.logger.error(`Redis unavailable, login limits now per process: ${String(error)}`);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
