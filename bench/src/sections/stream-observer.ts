import { revocationKeys } from '@hybrid-auth/auth-guard';
import type { RevocationEvent } from '@hybrid-auth/auth-guard';
import type { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { connectRedis } from '../env/redis';

/**
 * Reads the revocation stream the way a guard does (blocking XREAD on a connection of its
 * own) and notes when each session's revocation became visible: it splits a propagation
 * delay into auth-service's part (outbox, NOTIFY, relay, XADD) and the guards' part.
 */
export class StreamObserver {
  private readonly redis: Redis = connectRedis();
  private readonly seen = new Map<string, number>();
  // An explicit id, not '$': a read that times out before the first entry would otherwise
  // leave '$' in place, and whatever arrives between two reads would be missed.
  private lastId = `${Date.now()}-0`;
  private stopped = false;
  private readonly loop: Promise<void>;

  private readonly stream: string;

  /** `stream`: AUTH_REVOCATION_STREAM as the services were given it (default key prefix). */
  constructor(stream: string) {
    this.stream = revocationKeys(stream).stream;
    this.loop = this.run();
  }

  /** When the revocation of `sessionId` was read from the stream (performance.now()). */
  seenAt(sessionId: string): number | undefined {
    return this.seen.get(sessionId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.redis.disconnect();
    await this.loop.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const reply = await this.redis.xread('BLOCK', 1000, 'STREAMS', this.stream, this.lastId);
      const at = performance.now();
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        this.lastId = id;
        // Only timing is measured here, nothing is decided: the payload is read without
        // checking its signature (the guards under test do check it).
        const payload = fields[fields.indexOf('p') + 1];
        const events = payload ? (JSON.parse(payload) as { ev: RevocationEvent[] }).ev : [];
        for (const event of events)
          if (event.type === 'session') this.seen.set(event.sessionId, at);
      }
    }
  }
}
