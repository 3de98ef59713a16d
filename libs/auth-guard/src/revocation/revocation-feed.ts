import { Logger } from '@nestjs/common';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import type { AuthUser } from '../auth-user';
import { DEFAULTS } from '../constants';
import { DenyList } from './deny-list';
import { decodeEvent, revocationKeys } from './protocol';
import type { RevocationEvent } from './protocol';
import { SnapshotPoller } from './snapshot-poller';
import type { RevocationFallbackOptions, SnapshotPollerStatus } from './snapshot-poller';

export type { RevocationFallbackOptions } from './snapshot-poller';

export interface RevocationFeedOptions {
  /**
   * A Redis URL, or an ioredis client whose settings the feed copies: either way the feed
   * reads on a connection of its own, since its reads block. Without it (no Redis at all)
   * the feed polls the `fallback` snapshot instead, which is then required.
   */
  redis?: Redis | string;
  /** Stream name, if auth-service was configured with another one. */
  streamKey?: string;
  /** Strict routes refuse once no heartbeat was seen for this long (default 10 000 ms). */
  strictBudgetMs?: number;
  /** How long start-up waits for the first catch-up before going on degraded (default 5000 ms). */
  startupTimeoutMs?: number;
  /** Catch up from auth-service when the stream cannot answer (off unless given). */
  fallback?: RevocationFallbackOptions;
}

export interface FeedStatus {
  connected: boolean;
  caughtUp: boolean;
  lastEntryId: string;
  heartbeatAgeMs: number | null;
  epoch: string | null;
  eventsApplied: number;
  deniedSessions: number;
  markedUsers: number;
  /** Where the news that keeps the guard current comes from right now. */
  source: 'stream' | 'fallback' | 'none';
  fallback?: SnapshotPollerStatus;
}

const BLOCK_MS = 5000;
const BATCH = 1000;
const SWEEP_EVERY_MS = 10_000;
const BACKOFF_MS = [100, 250, 500, 1000, 2000];
const EPOCH_RECHECK_MS = 5000;
/**
 * The relay heartbeats every second: three missed ones make a connected stream "out of
 * touch" (a broken relay). A lost connection does so at once.
 */
const STREAM_SILENT_MS = 3000;

/**
 * Follows the revocation stream in the background and keeps the deny-list current.
 *
 * Guarantees (README, "Revocation"): every event younger than the retention window reaches
 * this guard at least once, in stream order. At start the whole window is read before the
 * feed reports itself caught up; after a disconnect it resumes from the last entry it saw;
 * when the epoch changed (Redis lost its data and the relay republished) it re-reads the
 * stream from the start. Nothing it learned is dropped on reconnect: entries only leave
 * the deny-list when no token they could affect can still be alive.
 *
 * With a `fallback`, while the stream is out of touch the feed polls auth-service for the
 * whole window instead (straight from the outbox, so complete as of the request), and a
 * successful snapshot counts as fresh news just as a heartbeat does.
 */
export class RevocationFeed {
  readonly denyList: DenyList;
  private readonly logger = new Logger('RevocationFeed');
  private readonly keys: ReturnType<typeof revocationKeys>;
  private reader: Redis | undefined;
  private lastId = '0-0';
  private epoch: string | null = null;
  private connected = false;
  private caughtUp = false;
  private verifyEpoch = true;
  private epochCheckedAt = 0;
  private freshAt = Number.NEGATIVE_INFINITY;
  private eventsApplied = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private firstCatchUp: (() => void) | undefined;
  private readonly snapshots: SnapshotPoller | undefined;

  constructor(
    private readonly options: RevocationFeedOptions,
    retentionMs: number,
    private readonly clock: () => number,
  ) {
    this.denyList = new DenyList(retentionMs);
    this.keys = revocationKeys(options.streamKey);
    if (options.fallback) {
      this.snapshots = new SnapshotPoller(
        options.fallback,
        clock,
        () => !this.connected || !this.streamFresh(this.clock(), STREAM_SILENT_MS),
        (events) => events.forEach((event) => this.apply(event)),
        () => {
          this.firstCatchUp?.();
          this.firstCatchUp = undefined;
        },
      );
    }
  }

  get strictBudgetMs(): number {
    return this.options.strictBudgetMs ?? DEFAULTS.strictBudgetMs;
  }

  /** Starts following; resolves once caught up, or after the start-up timeout (degraded). */
  async start(): Promise<void> {
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
    const { redis } = this.options;
    if (redis === undefined) {
      // No stream to follow: the snapshot loop alone keeps the deny-list current.
    } else if (typeof redis === 'string') {
      // ioredis is an optional peer dependency: loaded only when the feed is used.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Redis: RedisClient } = require('ioredis') as typeof IORedis;
      this.reader = new RedisClient(redis, readerOptions);
    } else {
      this.reader = redis.duplicate(readerOptions);
    }
    this.reader?.on('error', () => undefined);
    this.sweeper = setInterval(() => this.denyList.sweep(this.clock()), SWEEP_EVERY_MS);
    this.sweeper.unref();
    const caughtUp = new Promise<void>((resolve) => (this.firstCatchUp = resolve));
    if (this.reader) this.loop = this.run();
    this.snapshots?.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.startupTimeoutMs ?? 5000);
    });
    await Promise.race([caughtUp, timeout]);
    clearTimeout(timer);
    if (!this.isFresh())
      this.logger.warn('revocation feed not caught up at start: serving degraded');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.reader?.disconnect();
    await Promise.all([this.loop, this.snapshots?.stop()]);
  }

  check(user: AuthUser): 'session_revoked' | 'token_stale' | undefined {
    return this.denyList.check(user);
  }

  /** True when a heartbeat (or a snapshot) proved the news current within the strict budget. */
  isFresh(nowMs: number = this.clock()): boolean {
    return this.streamFresh(nowMs, this.strictBudgetMs) || this.snapshotFresh(nowMs);
  }

  private streamFresh(nowMs: number, withinMs: number): boolean {
    return this.caughtUp && nowMs - this.freshAt <= withinMs;
  }

  /** The freshest proof within the budget, if any. */
  private source(nowMs: number): FeedStatus['source'] {
    const stream = this.streamFresh(nowMs, this.strictBudgetMs);
    const snapshot = this.snapshotFresh(nowMs);
    if (stream && snapshot) return this.snapshots!.freshAt > this.freshAt ? 'fallback' : 'stream';
    return stream ? 'stream' : snapshot ? 'fallback' : 'none';
  }

  private snapshotFresh(nowMs: number): boolean {
    return this.snapshots !== undefined && nowMs - this.snapshots.freshAt <= this.strictBudgetMs;
  }

  status(): FeedStatus {
    const now = this.clock();
    const { sessions, users } = this.denyList.size;
    return {
      connected: this.connected,
      caughtUp: this.caughtUp,
      lastEntryId: this.lastId,
      heartbeatAgeMs: Number.isFinite(this.freshAt) ? Math.max(0, now - this.freshAt) : null,
      epoch: this.epoch,
      eventsApplied: this.eventsApplied,
      deniedSessions: sessions,
      markedUsers: users,
      source: this.source(now),
      fallback: this.snapshots?.status(now),
    };
  }

  /** Applies one event; exported for tests and for feeds other than Redis. */
  apply(event: RevocationEvent): void {
    const now = this.clock();
    switch (event.type) {
      case 'session':
        this.denyList.revokeSession(event.sessionId, Math.min(event.at, now));
        break;
      case 'user':
        this.denyList.markUser(event.userId, event.role, Math.min(event.at, now));
        break;
      case 'heartbeat':
        // Clock skew can only shorten freshness, never extend it.
        this.freshAt = Math.max(this.freshAt, Math.min(event.at, now));
        return;
    }
    this.eventsApplied += 1;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.reader!.status === 'wait' || this.reader!.status === 'end')
          await this.reader!.connect();
        // Also re-check now and then: Redis can lose its data without dropping our connection.
        if (this.verifyEpoch || Date.now() - this.epochCheckedAt > EPOCH_RECHECK_MS)
          await this.checkEpoch();
        await this.readOnce();
        this.connected = true;
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        if (this.connected) {
          this.logger.warn(`revocation feed disconnected: ${describe(error)}`);
          // Ask auth-service at once rather than at the next poll.
          this.snapshots?.now();
        }
        this.connected = false;
        this.verifyEpoch = true;
        await sleep(BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]);
        failures += 1;
      }
    }
  }

  /** After (re)connecting: if Redis lost its data, the stream must be read again from its start. */
  private async checkEpoch(): Promise<void> {
    const epoch = await this.reader!.get(this.keys.epoch);
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

  private async readOnce(): Promise<void> {
    // While catching up, read without blocking until a short batch says we reached the end.
    // (The typed xread normalises the reply; ioredis 6 speaks RESP3, where a raw call returns a map.)
    const reader = this.reader!;
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
      const decoded = decodeEvent(fields);
      // An entry of another epoch hints that Redis lost its data and the relay republished:
      // confirm with the epoch key before the next read (applying the entry is harmless).
      if (decoded && decoded.epoch !== this.epoch) this.verifyEpoch = true;
      this.lastId = id;
      if (decoded) this.apply(decoded.event);
    }
    if (!this.caughtUp && entries.length < BATCH) {
      this.caughtUp = true;
      this.firstCatchUp?.();
      this.firstCatchUp = undefined;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
