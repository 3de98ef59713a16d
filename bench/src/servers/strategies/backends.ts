import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { STRATEGIES_CONFIG } from './strategies.config';
import type { StrategiesConfig } from './strategies.config';

/**
 * The storage the session-only strategies call on every request, and a count of those calls
 * (read between runs through /bench/_stats, so "queries per request" is counted, not assumed).
 *
 * The pool has 10 connections, the size every hybrid-auth service uses (libs/database), and a
 * prepared statement; Redis is one ioredis connection with default settings, as most apps run it.
 */
@Injectable()
export class Backends implements OnModuleDestroy {
  readonly pool: Pool;
  readonly redis: Redis;
  readonly calls = { postgres: 0, redis: 0 };

  constructor(@Inject(STRATEGIES_CONFIG) config: StrategiesConfig) {
    this.pool = new Pool({ connectionString: config.sessionsDatabaseUrl, max: 10 });
    this.redis = new Redis(config.redisUrl, { connectionName: 'bench-sessions' });
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
    await this.pool.end();
  }
}

/** The bearer credential of a request, or undefined. */
export function bearer(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  return header.slice(7);
}

export interface BenchRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: unknown;
}
