import { randomBytes } from 'node:crypto';
import { TestStreamPublisher } from '@hybrid-auth/auth-guard/testing';
import type { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Plays auth-service's relay on a revocation stream of this suite's own (Redis is shared
 * with other suites and engineers): sets the epoch, appends signed heartbeats and
 * revocations with the testing helpers of @hybrid-auth/auth-guard, and deletes its keys at
 * the end. Entries are signed by the suite's token signer, whose key the guard trusts.
 */
export class TestRelay {
  private readonly redis = new Redis(REDIS_URL);
  readonly publisher: TestStreamPublisher;
  private timer: NodeJS.Timeout | undefined;

  constructor(signer: TestTokenSigner) {
    this.publisher = new TestStreamPublisher(this.redis, {
      signer,
      streamKey: `test:${randomBytes(4).toString('hex')}:revocations`,
    });
  }

  get streamKey(): string {
    return this.publisher.streamKey;
  }

  async init(): Promise<this> {
    await this.publisher.init();
    return this;
  }

  heartbeat(): Promise<unknown> {
    return this.publisher.heartbeat();
  }

  revokeSession(sessionId: string, userId: string): Promise<unknown> {
    return this.publisher.revokeSession(sessionId, userId);
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
    await this.publisher.clear();
    await this.redis.quit();
  }
}
