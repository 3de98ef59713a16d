import { randomBytes, randomUUID } from 'node:crypto';
import { encodeEvent, revocationKeys } from '@hybrid-auth/auth-guard';
import type { RevocationEvent } from '@hybrid-auth/auth-guard';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Plays auth-service's relay on a revocation stream of this suite's own (Redis is shared
 * with other suites and engineers): sets the epoch, appends heartbeats and revocations with
 * the protocol helpers of @hybrid-auth/auth-guard, and deletes its keys at the end.
 */
export class TestRelay {
  readonly keys = revocationKeys(`test:${randomBytes(4).toString('hex')}:revocations`);
  readonly epoch = randomUUID();
  private readonly redis = new Redis(REDIS_URL);
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;

  async init(): Promise<this> {
    await this.redis.set(this.keys.epoch, this.epoch);
    return this;
  }

  heartbeat(): Promise<unknown> {
    return this.append({ type: 'heartbeat', at: Date.now() });
  }

  revokeSession(sessionId: string, userId: string): Promise<unknown> {
    const id = String(this.nextId++);
    return this.append({ type: 'session', id, sessionId, userId, at: Date.now() });
  }

  /** Heartbeats every `intervalMs`, as the real relay does about once a second. */
  startHeartbeats(intervalMs = 100): Promise<unknown> {
    this.stopHeartbeats();
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), intervalMs);
    return this.heartbeat();
  }

  stopHeartbeats(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async close(): Promise<void> {
    this.stopHeartbeats();
    await this.redis.del(this.keys.stream, this.keys.epoch);
    await this.redis.quit();
  }

  private append(event: RevocationEvent): Promise<unknown> {
    // Capped like the real stream, so a long run of heartbeats cannot grow it without bound.
    const fields = encodeEvent(event, this.epoch);
    return this.redis.xadd(this.keys.stream, 'MAXLEN', '~', '1000', '*', ...fields);
  }
}
