import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@hybrid-auth/platform';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module';

/**
 * (PostgreSQL's check comes with DatabaseModule.) Redis carries revocation push and shared login limits:
 * without it the service still works (events wait in the outbox, limits go per process),
 * so its absence is reported as degraded, not as down.
 */
@Injectable()
export class AuthReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    this.registry.register('redis', async () => {
      if (!this.redis)
        return { status: 'degraded', detail: 'REDIS_URL not set: revocation push is off' };
      try {
        await this.redis.ping();
        return { status: 'ok' };
      } catch (error) {
        return { status: 'degraded', detail: `unreachable: ${(error as Error).message}` };
      }
    });
  }
}
