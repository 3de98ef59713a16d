import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import type { Redis } from 'ioredis';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AuthMetrics } from '../metrics/auth-metrics';
import { REDIS } from '../redis/redis.module';

/** One counter: at most `max` attempts per fixed window of `windowSeconds`, from the first. */
export interface Limit {
  key: string;
  max: number;
  windowSeconds: number;
  /** The metric label and log word when this limit refuses (a small closed set). */
  scope: string;
}

// Counts one attempt in every key and returns, per key, the new count and its seconds left.
// The expiry is set with the first attempt (and repaired if a key ever lost it), so a window
// is fixed: attempts refused inside it do not extend it.
const HIT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  local ttl = redis.call('TTL', key)
  if n == 1 or ttl < 0 then
    redis.call('EXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[2 * i - 1] = n
  out[2 * i] = ttl
end
return out`;

// Gives one attempt back, never below zero and never creating a key (DECR on a missing key
// would make one without expiry).
const UNDO = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0`;

/**
 * Attempt counters shared by every replica through Redis. Each attempt is counted BEFORE the
 * work it asks for (argon2, a row lock), and the count that comes back decides: a burst of
 * parallel requests cannot all read "under the limit" and then all do the work, because each
 * one's increment is atomic and sees the others'. When Redis is unreachable the counts fall
 * back to this process (and say so in the log): limits get looser across replicas, but never
 * switch off silently.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private warnedFallback = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
    @Inject(AUTH_CONFIG) private readonly config: Pick<AuthConfig, 'redisPrefix'>,
  ) {}

  /** In Redis every counter sits under the deployment's AUTH_REDIS_PREFIX. */
  private redisKey(key: string): string {
    return `${this.config.redisPrefix}${key}`;
  }

  /**
   * Counts one attempt against every limit; 429 `rate_limited` with Retry-After if any is
   * over, unless `excused` (asked only then) says the limits it was over do not apply.
   */
  async enforce(
    limits: Limit[],
    message: string,
    excused?: (over: Limit[]) => Promise<boolean>,
  ): Promise<void> {
    const counts = await this.hit(limits);
    const over = limits
      .map((limit, i) => ({ limit, ...counts[i] }))
      .filter(({ limit, count }) => count > limit.max);
    if (over.length === 0) return;
    if (excused && (await excused(over.map((o) => o.limit)))) return;
    const retryAfter = Math.max(1, ...over.map((o) => o.retryAfter));
    const scope = over[0].limit.scope;
    this.metrics.rateLimited.inc({ scope });
    this.logger.warn({ msg: 'rate limit hit', scope });
    throw new ApiError(429, 'rate_limited', message, {
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  /** Gives one counted attempt back to each key (e.g. the address's, for a login that succeeded). */
  async undo(keys: string[]): Promise<void> {
    if (this.redis) {
      try {
        await this.redis.eval(UNDO, keys.length, ...keys.map((key) => this.redisKey(key)));
        return;
      } catch (error) {
        this.fallingBack(error);
      }
    }
    for (const key of keys) {
      const entry = this.localEntry(key);
      if (entry && entry.count > 0) entry.count -= 1;
    }
  }

  /** Forgets a counter (a successful login clears the account's failures). */
  async clear(key: string): Promise<void> {
    this.local.delete(key);
    if (this.redis)
      await this.redis.del(this.redisKey(key)).catch((error: unknown) => this.fallingBack(error));
  }

  private async hit(limits: Limit[]): Promise<{ count: number; retryAfter: number }[]> {
    if (this.redis) {
      try {
        const windows = limits.map((l) => l.windowSeconds);
        const flat = (await this.redis.eval(
          HIT,
          limits.length,
          ...limits.map((l) => this.redisKey(l.key)),
          ...windows,
        )) as number[];
        return limits.map((_, i) => ({ count: flat[2 * i], retryAfter: flat[2 * i + 1] }));
      } catch (error) {
        this.fallingBack(error);
      }
    }
    // One synchronous pass: nothing can interleave, so the in-process fallback is atomic too.
    return limits.map(({ key, windowSeconds }) => {
      const entry = this.localEntry(key) ?? {
        count: 0,
        resetAt: this.now() + windowSeconds * 1000,
      };
      entry.count += 1;
      this.local.set(key, entry);
      if (this.local.size > 100_000) this.local.delete(this.local.keys().next().value!);
      return { count: entry.count, retryAfter: Math.ceil((entry.resetAt - this.now()) / 1000) };
    });
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
    this.logger.error(`Redis unavailable, rate limits now per process: ${String(error)}`);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
