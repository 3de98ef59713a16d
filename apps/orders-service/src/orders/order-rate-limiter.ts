import { Logger } from '@nestjs/common';
import { DEFAULT_REDIS_PREFIX } from '@hybrid-auth/auth-guard';
import { ApiError } from '@hybrid-auth/platform';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface OrderRateLimitOptions {
  /** Orders one user may place per window. */
  points: number;
  windowSeconds: number;
  /** The deployment's AUTH_REDIS_PREFIX (default `hybrid-auth:`). */
  redisPrefix?: string;
}

/** Redis keys are `<AUTH_REDIS_PREFIX>orders:order-rate:<userId>`. */
const keyPrefix = (options: OrderRateLimitOptions) =>
  `${options.redisPrefix ?? DEFAULT_REDIS_PREFIX}orders:order-rate`;

/**
 * Order creation per user, in fixed windows. With Redis the count is shared by every replica
 * and taken atomically (rate-limiter-flexible's INCR-and-EXPIRE script), so parallel
 * requests cannot all slip under the limit. While Redis is unreachable the count falls back
 * to this process (an "insurance" limiter, and a warning in the log): limits get looser
 * across replicas, but never switch off.
 */
export class OrderRateLimiter {
  private readonly logger = new Logger('OrderRateLimiter');
  private readonly limiter: RateLimiterAbstract;
  private warnedFallback = false;

  constructor(
    options: OrderRateLimitOptions,
    private readonly redis: Redis | null,
  ) {
    const limits = { points: options.points, duration: options.windowSeconds };
    const local = new RateLimiterMemory({ ...limits, keyPrefix: keyPrefix(options) });
    this.limiter = redis
      ? new RateLimiterRedis({
          ...limits,
          keyPrefix: keyPrefix(options),
          storeClient: redis,
          // Straight to the in-process count while disconnected, rather than a failed command.
          rejectIfRedisNotReady: true,
          insuranceLimiter: local,
        })
      : local;
  }

  /**
   * Counts one order for `userId`, before any work is done for it; throws 429 `rate_limited`
   * with Retry-After (seconds until the window ends) once the user is over the limit.
   */
  async consume(userId: string): Promise<void> {
    this.noteFallback();
    try {
      await this.limiter.consume(userId);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      const retryAfter = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
      throw new ApiError(429, 'rate_limited', 'Too many orders; try again later', {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
  }

  private noteFallback(): void {
    if (!this.redis) return;
    const down = this.redis.status !== 'ready';
    if (down && !this.warnedFallback) {
      this.logger.warn('Redis unavailable: order rate limits are counted per process');
    }
    this.warnedFallback = down;
  }
}
