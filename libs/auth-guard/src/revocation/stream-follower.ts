import { Logger } from '@nestjs/common';
import type * as IORedis from 'ioredis';
import type { Redis, RedisOptions } from 'ioredis';
import type { KeySource } from '../keys/key-source';
import type { revocationKeys, RevocationEvent } from './protocol';
import { readStreamEntry } from './stream-entry';
import type { EntryRejection } from './stream-entry';

const BLOCK_MS = 5000;
// Entries carry up to 256 events each: 100 entries are at most some 25 000 events per read.
const BATCH = 100;
const BACKOFF_MS = [100, 250, 500, 1000, 2000];
const EPOCH_RECHECK_MS = 5000;

export interface StreamHooks {
  /** Every event of a verified entry, heartbeats included, in stream order. */
  apply(event: RevocationEvent): void;
  /** An entry that changes nothing: unsigned, badly signed, unknown key, another stream. */
  rejected(reason: EntryRejection, kid: string | undefined): void;
  /** The whole window was read (at start, and again after an epoch change). */
  caughtUp(): void;
  /** The connection was lost (it is retried with backoff). */
  disconnected(): void;
  /**
   * An entry's sequence number was not the one after the previous entry's: something removed
   * entries from Redis (or, rarely, a relay transaction rolled back after appending).
   */
  gap(expected: number, got: number): void;
}

/**
 * Reads auth-service's revocation stream from Redis on a connection of its own: the whole
 * window first, without blocking, then new entries with a blocking read. After a disconnect
 * it resumes from the last entry it saw; when the epoch changed (Redis lost its data and the
 * relay republished) it reads the stream again from its start.
 */
export class StreamFollower {
  private readonly logger = new Logger('RevocationFeed');
  private reader: Redis | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private verifyEpoch = true;
  private epochCheckedAt = 0;
  lastId = '0-0';
  /** The highest entry number read so far (none yet: undefined). */
  lastSeq: number | undefined;
  epoch: string | null = null;
  connected = false;
  caughtUp = false;

  constructor(
    private readonly redis: Redis | RedisOptions | string,
    private readonly keys: ReturnType<typeof revocationKeys>,
    private readonly verificationKeys: KeySource,
    private readonly hooks: StreamHooks,
  ) {}

  start(): void {
    const readerOptions = {
      // Fail commands at once while disconnected: the loop backs off and resumes itself.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A half-open connection must not hang a blocking read forever.
      commandTimeout: BLOCK_MS + 3000,
      connectTimeout: 2000,
      connectionName: 'revocation-feed',
      lazyConnect: true,
    };
    if (isClient(this.redis)) {
      this.reader = this.redis.duplicate(readerOptions);
    } else {
      // ioredis is an optional peer dependency: loaded only when the feed is used.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Redis: RedisClient } = require('ioredis') as typeof IORedis;
      this.reader =
        typeof this.redis === 'string'
          ? new RedisClient(this.redis, readerOptions)
          : // With sentinels, asking them for the primary is paced like the reads' own backoff.
            new RedisClient({ sentinelCommandTimeout: 2000, ...this.redis, ...readerOptions });
    }
    this.reader.on('error', () => undefined);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reader?.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    const reader = this.reader!;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.verificationKeys.hasKeys()) {
          // Nothing can be verified before the JWKS arrived: wait rather than drop the window.
          await sleep(BACKOFF_MS[1]);
          continue;
        }
        if (reader.status === 'wait' || reader.status === 'end') await reader.connect();
        // Also re-check now and then: Redis can lose its data without dropping our connection.
        if (this.verifyEpoch || Date.now() - this.epochCheckedAt > EPOCH_RECHECK_MS)
          await this.checkEpoch(reader);
        await this.readOnce(reader);
        this.connected = true;
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        if (this.connected) {
          this.logger.warn(`revocation feed disconnected: ${describe(error)}`);
          this.hooks.disconnected();
        }
        this.connected = false;
        this.verifyEpoch = true;
        await sleep(BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]);
        failures += 1;
      }
    }
  }

  /** After (re)connecting: if Redis lost its data, the stream must be read again from its start. */
  private async checkEpoch(reader: Redis): Promise<void> {
    const epoch = await reader.get(this.keys.epoch);
    if (epoch !== this.epoch) {
      if (this.epoch !== null)
        this.logger.warn('revocation stream epoch changed: re-reading the window');
      this.epoch = epoch;
      this.lastId = '0-0';
      this.caughtUp = false;
    }
    this.verifyEpoch = false;
    this.epochCheckedAt = Date.now();
  }

  private async readOnce(reader: Redis): Promise<void> {
    // While catching up, read without blocking until a short batch says we reached the end.
    // (The typed xread normalises the reply; ioredis 6 speaks RESP3, where a raw call returns a map.)
    const reply = this.caughtUp
      ? await reader.xread(
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          this.keys.stream,
          this.lastId,
        )
      : await reader.xread('COUNT', BATCH, 'STREAMS', this.keys.stream, this.lastId);
    const entries = reply?.[0]?.[1] ?? [];
    for (const [id, fields] of entries) {
      const entry = await this.verify(fields);
      this.lastId = id;
      if (!entry.ok) {
        this.hooks.rejected(entry.reason, entry.kid);
        continue;
      }
      // An entry of another epoch hints that Redis lost its data and the relay republished:
      // confirm with the epoch key before the next read (applying the entry is harmless).
      if (entry.epoch !== this.epoch) this.verifyEpoch = true;
      for (const event of entry.events) this.hooks.apply(event);
      this.followSequence(entry.seq);
    }
    if (!this.caughtUp && entries.length < BATCH) {
      this.caughtUp = true;
      this.hooks.caughtUp();
    }
  }

  /**
   * The relay numbers entries 1, 2, 3… per stream, on across epochs (the count is kept in
   * PostgreSQL, not in Redis). The first numbered entry this guard reads sets the baseline:
   * entries before it may have been trimmed legitimately (they are older than the window).
   * After that, a number beyond the next one is a hole. A number already passed (an old entry
   * copied back in, the window read again after an epoch change) moves nothing: neither a
   * replayed entry nor a forged epoch key can reset the count and hide a hole. Unnumbered
   * entries (an older relay) are applied but not followed.
   */
  private followSequence(seq: number | undefined): void {
    if (seq === undefined) return;
    if (this.lastSeq !== undefined && seq > this.lastSeq + 1) this.hooks.gap(this.lastSeq + 1, seq);
    if (this.lastSeq === undefined || seq > this.lastSeq) this.lastSeq = seq;
  }

  /**
   * Checks an entry's signature. A kid we do not hold may be a key auth-service just
   * promoted: the key source refetches the JWKS (at most once per its cooldown, so a flood
   * of forged kids costs one fetch) and the entry is checked once more, then dropped.
   */
  private async verify(fields: string[]) {
    const keyFor = (kid: string) => this.verificationKeys.get(kid);
    const entry = readStreamEntry(fields, this.keys.stream, keyFor);
    if (entry.ok || entry.reason !== 'unknown_kid' || !this.verificationKeys.refreshForUnknownKid)
      return entry;
    await this.verificationKeys.refreshForUnknownKid(entry.kid!);
    return readStreamEntry(fields, this.keys.stream, keyFor);
  }
}

/** A client has `duplicate`; a URL or an options object does not. */
const isClient = (redis: Redis | RedisOptions | string): redis is Redis =>
  typeof redis !== 'string' && typeof (redis as Redis).duplicate === 'function';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
