import { encodeEvent, revocationKeys } from '@hybrid-auth/auth-guard';
import type { RevocationEvent } from '@hybrid-auth/auth-guard';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

// Appends an event unless this outbox id was already appended (a relay that crashed after
// XADD but before marking the row published must not append it twice), and trims entries
// older than the retention window (MINID: stream ids are Redis's clock in milliseconds).
const APPEND_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[2], '*', unpack(ARGV, 3))
end
return false`;

/** The relay's side of the revocation stream: epoch, appends, heartbeats. */
export class RelayStream {
  private readonly keys: ReturnType<typeof revocationKeys>;

  constructor(
    private readonly redis: Redis,
    stream: string,
    private readonly windowMs: number,
  ) {
    this.keys = revocationKeys(stream);
  }

  /**
   * The stream's epoch. A missing epoch means Redis lost its data (or never had any): a new
   * one is set and `created` tells the caller to republish the whole window.
   */
  async epoch(): Promise<{ epoch: string; created: boolean }> {
    const current = await this.redis.get(this.keys.epoch);
    if (current) return { epoch: current, created: false };
    const fresh = randomUUID();
    const set = await this.redis.set(this.keys.epoch, fresh, 'NX');
    if (set === 'OK') return { epoch: fresh, created: true };
    return { epoch: (await this.redis.get(this.keys.epoch)) ?? fresh, created: false };
  }

  /** Appends outbox events once each (by outbox id), in the given order. */
  async appendOnce(
    events: (RevocationEvent & { id: string })[],
    epoch: string,
    now: number,
  ): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      pipeline.eval(
        APPEND_ONCE,
        2,
        this.keys.stream,
        this.keys.published(event.id),
        Math.ceil(this.windowMs / 1000),
        String(now - this.windowMs),
        ...encodeEvent(event, epoch),
      );
    }
    await execOrThrow(pipeline);
  }

  /** Appends events unconditionally (republishing the window under a new epoch). */
  async append(events: RevocationEvent[], epoch: string, now: number): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      pipeline.xadd(
        this.keys.stream,
        'MINID',
        '~',
        String(now - this.windowMs),
        '*',
        ...encodeEvent(event, epoch),
      );
    }
    await execOrThrow(pipeline);
  }

  /** "Everything committed before `at` is in the stream." */
  async heartbeat(epoch: string, at: number): Promise<void> {
    await this.redis.xadd(
      this.keys.stream,
      'MINID',
      '~',
      String(at - this.windowMs),
      '*',
      ...encodeEvent({ type: 'heartbeat', at }, epoch),
    );
  }
}

async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}
