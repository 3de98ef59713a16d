import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { RedisConnection } from './redis-config';

/**
 * The one place a service's ioredis client is made from its configured connection, so that a
 * URL and a sentinel set are honoured alike. `tuning` (timeouts, retries, connection name) is
 * laid over the connection; the sentinels get the same retry pacing as the server.
 */
export function createRedisClient(connection: RedisConnection, tuning: RedisOptions): Redis {
  if (typeof connection === 'string') return new Redis(connection, tuning);
  return new Redis({
    sentinelRetryStrategy: tuning.retryStrategy ?? undefined,
    sentinelCommandTimeout: tuning.connectTimeout,
    ...connection,
    ...tuning,
  });
}
