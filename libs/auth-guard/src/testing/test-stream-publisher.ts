import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REVOCATION_STREAM,
  revocationKeys,
} from '../revocation/protocol';
import type { RevocationEvent } from '../revocation/protocol';
import { signStreamEntry } from '../revocation/stream-entry';
import type { StreamSigningKey } from '../revocation/stream-entry';

export interface TestStreamPublisherOptions {
  /** The key that signs entries: give guards its public key (e.g. a `TestTokenSigner`). */
  signer: StreamSigningKey;
  /** Stream name and deployment prefix, as the guard under test is configured. */
  streamKey?: string;
  keyPrefix?: string;
  epoch?: string;
}

/**
 * Plays auth-service's relay in other teams' tests: sets the epoch and appends signed
 * revocations and heartbeats, exactly in the wire format guards accept. With a
 * `TestTokenSigner` as `signer`, the guard that trusts `signer.jwks` trusts these entries.
 */
export class TestStreamPublisher {
  readonly keys: ReturnType<typeof revocationKeys>;
  /** What to give the guard as `revocation.streamKey` and `revocation.keyPrefix`. */
  readonly streamKey: string;
  readonly keyPrefix: string;
  readonly epoch: string;
  /** The sequence number of the last entry `publish` appended (entries are numbered 1, 2…). */
  seq = 0;
  private readonly signer: StreamSigningKey;

  constructor(
    private readonly redis: Redis,
    options: TestStreamPublisherOptions,
  ) {
    this.streamKey = options.streamKey ?? DEFAULT_REVOCATION_STREAM;
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_PREFIX;
    this.keys = revocationKeys(this.streamKey, this.keyPrefix);
    this.epoch = options.epoch ?? randomUUID();
    this.signer = options.signer;
  }

  async init(): Promise<this> {
    await this.redis.set(this.keys.epoch, this.epoch);
    return this;
  }

  /** The XADD fields of one signed entry holding `events` (numbered `seq`, if given). */
  fields(events: RevocationEvent[], epoch = this.epoch, seq?: number): string[] {
    return signStreamEntry(events, { stream: this.keys.stream, epoch, seq }, this.signer);
  }

  /**
   * Appends one signed entry, numbered like the relay numbers them (the next `seq`, unless
   * `seq` is given: a test can leave a hole, as an entry deleted from Redis would); returns its
   * stream id.
   */
  async publish(
    events: RevocationEvent | RevocationEvent[],
    options: { epoch?: string; id?: string; seq?: number } = {},
  ): Promise<string> {
    const list = Array.isArray(events) ? events : [events];
    this.seq = options.seq ?? this.seq + 1;
    // Capped like the real stream, so a long run of heartbeats cannot grow it without bound.
    const id = await this.redis.xadd(
      this.keys.stream,
      'MAXLEN',
      '~',
      '10000',
      options.id ?? '*',
      ...this.fields(list, options.epoch, this.seq),
    );
    return id!;
  }

  heartbeat(at = Date.now()): Promise<string> {
    return this.publish({ type: 'heartbeat', at });
  }

  revokeSession(sessionId: string, userId: string, at = Date.now()): Promise<string> {
    return this.publish({ type: 'session', id: randomUUID(), sessionId, userId, at });
  }

  changeRole(userId: string, role: 'user' | 'admin', at = Date.now()): Promise<string> {
    return this.publish({ type: 'user', id: randomUUID(), userId, role, at });
  }

  /** Deletes the stream and its epoch. */
  async clear(): Promise<void> {
    await this.redis.del(this.keys.stream, this.keys.epoch);
  }
}
