import { Global, Inject, Logger, Module } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient } from '@hybrid-auth/platform';
import type { RedisConnection } from '@hybrid-auth/platform';
import type { Redis } from 'ioredis';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';

/** The shared ioredis client, or null when neither REDIS_URL nor REDIS_SENTINELS is configured. */
export const REDIS = Symbol('REDIS');

/**
 * Commands fail fast while Redis is unreachable (no offline queue, one retry) so callers
 * fall back at once instead of stalling requests; ioredis reconnects in the background.
 */
export function createRedis(connection: RedisConnection, name: string): Redis {
  const redis = createRedisClient(connection, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
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
      provide: REDIS,
      useFactory: (config: AuthConfig) =>
        config.redis ? createRedis(config.redis, 'auth-service') : null,
      inject: [AUTH_CONFIG],
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    // QUIT only on a live connection; otherwise stop reconnecting at once.
    if (this.redis.status === 'ready')
      await this.redis.quit().catch(() => this.redis?.disconnect());
    else this.redis.disconnect();
  }
}
