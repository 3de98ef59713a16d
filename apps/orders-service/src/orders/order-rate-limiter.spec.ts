import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import { Redis } from 'ioredis';
import { createRedis } from '../redis/redis.module';
import { OrderRateLimiter } from './order-rate-limiter';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Runs `n` consumptions at once; returns how many were allowed and the refusals. */
async function burst(limiters: OrderRateLimiter[], userId: string, n: number) {
  const outcomes = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => limiters[i % limiters.length].consume(userId)),
  );
  const refused = outcomes
    .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    .map((o) => o.reason as ApiError);
  return { allowed: n - refused.length, refused };
}

describe('OrderRateLimiter', () => {
  let redis: Redis;
  let warn: jest.SpyInstance;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });
  afterAll(() => redis.quit());
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('lets exactly the limit through a burst, and refuses the rest with 429 and Retry-After', async () => {
    const limiter = new OrderRateLimiter({ points: 30, windowSeconds: 60 }, redis);
    const { allowed, refused } = await burst([limiter], randomUUID(), 45);
    expect(allowed).toBe(30);
    expect(refused).toHaveLength(15);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ApiError);
      expect(error.getStatus()).toBe(429);
      expect(error.code).toBe('rate_limited');
      expect(Number(error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(error.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
  });

  it('shares the count between replicas through Redis', async () => {
    const replicas = [1, 2, 3].map(
      () => new OrderRateLimiter({ points: 10, windowSeconds: 60 }, redis),
    );
    const { allowed } = await burst(replicas, randomUUID(), 30);
    expect(allowed).toBe(10);
  });

  it('counts each user on their own', async () => {
    const limiter = new OrderRateLimiter({ points: 2, windowSeconds: 60 }, redis);
    const first = randomUUID();
    expect((await burst([limiter], first, 3)).allowed).toBe(2);
    expect((await burst([limiter], randomUUID(), 2)).allowed).toBe(2);
  });

  it('keeps the key in Redis for the window only', async () => {
    const userId = randomUUID();
    await new OrderRateLimiter({ points: 5, windowSeconds: 60 }, redis).consume(userId);
    const ttl = await redis.ttl(`hybrid-auth:orders:order-rate:${userId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('falls back to counting in the process while Redis is unreachable, and says so', async () => {
    const dead = createRedis('redis://127.0.0.1:1');
    try {
      const limiter = new OrderRateLimiter({ points: 3, windowSeconds: 60 }, dead);
      const { allowed } = await burst([limiter], randomUUID(), 8);
      expect(allowed).toBe(3);
      expect(warn).toHaveBeenCalledWith(
        'Redis unavailable: order rate limits are counted per process',
      );
    } finally {
      dead.disconnect();
    }
  });

  it('counts in the process without Redis', async () => {
    const limiter = new OrderRateLimiter({ points: 4, windowSeconds: 60 }, null);
    expect((await burst([limiter], randomUUID(), 10)).allowed).toBe(4);
  });
});
