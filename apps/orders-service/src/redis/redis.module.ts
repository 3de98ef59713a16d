import { Global, Inject, Logger, Module } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient } from '@hybrid-auth/platform';
import type { RedisConnection } from '@hybrid-auth/platform';
import type { Redis } from 'ioredis';
import { ORDERS_CONFIG } from '../config/orders.config';
import type { OrdersConfig } from '../config/orders.config';

/** The shared ioredis client, or null when neither REDIS_URL nor REDIS_SENTINELS is configured. */
export const ORDERS_REDIS = Symbol('ORDERS_REDIS');

/**
 * Commands fail fast while Redis is unreachable (no offline queue, one retry), so the order
 * rate limit falls back to this process at once instead of stalling orders; ioredis
 * reconnects in the background.
 */
export function createRedis(connection: RedisConnection): Redis {
  const redis = createRedisClient(connection, {
    connectionName: 'orders-service',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  const logger = new Logger('Redis');
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn(`Redis unavailable: ${error.message}`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.log('Redis connection restored');
    down = false;
  });
  return redis;
}

@Global()
@Module({
  providers: [
    {
      provide: ORDERS_REDIS,
      inject: [ORDERS_CONFIG],
      useFactory: (config: OrdersConfig) => (config.redis ? createRedis(config.redis) : null),
    },
  ],
  exports: [ORDERS_REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    // QUIT only on a live connection; otherwise stop reconnecting at once.
    if (this.redis.status === 'ready')
      await this.redis.quit().catch(() => this.redis?.disconnect());
    else this.redis.disconnect();
  }
}
