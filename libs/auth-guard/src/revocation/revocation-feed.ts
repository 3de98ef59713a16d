import { Logger } from '@nestjs/common';
import type { AuthUser } from '../auth-user';
import { DEFAULTS } from '../constants';
import { DenyList } from './deny-list';
import { revocationKeys } from './protocol';
import type { RevocationEvent } from './protocol';
import { SnapshotPoller } from './snapshot-poller';
import { FeedRejections } from './feed-rejections';
import { StreamFollower } from './stream-follower';
import type { FeedStatus, RevocationFeedContext, RevocationFeedOptions } from './feed-options';

export type { RevocationFallbackOptions } from './snapshot-poller';
export type { FeedStatus, RevocationFeedContext, RevocationFeedOptions } from './feed-options';

const SWEEP_EVERY_MS = 10_000;
/**
 * The relay heartbeats every second: three missed ones make a connected stream "out of
 * touch" (a broken relay). A lost connection does so at once.
 */
const STREAM_SILENT_MS = 3000;

/**
 * Keeps the deny-list current in the background and says whether the news is fresh.
 *
 * News comes from the Redis stream (StreamFollower) and, while the stream is out of touch,
 * from auth-service's snapshot (SnapshotPoller); either may be absent, not both. A relay
 * heartbeat read from a caught-up stream, or a successful snapshot, proves the news current
 * as of its time; strict routes need such a proof within `strictBudgetMs`.
 *
 * Guarantees (docs/revocation.md): every event younger than the retention window reaches
 * this guard at least once. Nothing it learned is dropped on reconnect: entries only leave
 * the deny-list when no token they could affect can still be alive.
 */
export class RevocationFeed {
  readonly denyList: DenyList;
  private readonly logger = new Logger('RevocationFeed');
  private freshAt = Number.NEGATIVE_INFINITY;
  private eventsApplied = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private firstCatchUp: (() => void) | undefined;
  private readonly stream: StreamFollower | undefined;
  private readonly snapshots: SnapshotPoller | undefined;
  private readonly clock: () => number;
  private readonly rejections = new FeedRejections();
  /** When the last hole in the stream's numbering was seen (until a snapshot closes it), and
   * how many snapshots had been requested by then. */
  private gapAt: number | undefined;
  private fetchesBeforeGap = 0;
  private sequenceGaps = 0;

  constructor(
    private readonly options: RevocationFeedOptions,
    private readonly context: RevocationFeedContext,
  ) {
    this.clock = context.clock;
    this.denyList = new DenyList(context.retentionMs);
    if (options.redis !== undefined) {
      const keys = revocationKeys(options.streamKey, options.keyPrefix);
      this.stream = new StreamFollower(options.redis, keys, context.keys, {
        apply: (event) => this.apply(event),
        rejected: (reason, kid) => this.rejections.count(reason, kid),
        caughtUp: () => this.caughtUpOnce(),
        // Ask auth-service at once rather than at the next poll.
        disconnected: () => this.snapshots?.now(),
        gap: (expected, got) => this.gap(expected, got),
      });
    }
    if (options.fallback) {
      this.snapshots = new SnapshotPoller(
        options.fallback,
        this.clock,
        () =>
          !this.stream?.connected ||
          !this.streamFresh(this.clock(), STREAM_SILENT_MS) ||
          this.gapOpen(this.clock()),
        (events) => events.forEach((event) => this.apply(event)),
        () => this.caughtUpOnce(),
      );
    }
  }

  get strictBudgetMs(): number {
    return this.options.strictBudgetMs ?? DEFAULTS.strictBudgetMs;
  }

  /** Starts following; resolves once caught up, or after the start-up timeout (degraded). */
  async start(): Promise<void> {
    this.sweeper = setInterval(() => this.denyList.sweep(this.clock()), SWEEP_EVERY_MS);
    this.sweeper.unref();
    const caughtUp = new Promise<void>((resolve) => (this.firstCatchUp = resolve));
    this.stream?.start();
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
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([this.stream?.stop(), this.snapshots?.stop()]);
  }

  check(user: AuthUser): 'session_revoked' | 'token_stale' | 'invalid_token' | undefined {
    return this.denyList.check(user);
  }

  /** True when a heartbeat (or a snapshot) proved the news current within the strict budget. */
  isFresh(nowMs: number = this.clock()): boolean {
    return this.streamFresh(nowMs, this.strictBudgetMs) || this.snapshotFresh(nowMs);
  }

  private streamFresh(nowMs: number, withinMs: number): boolean {
    return (
      this.stream?.caughtUp === true && nowMs - this.freshAt <= withinMs && !this.gapOpen(nowMs)
    );
  }

  /**
   * Someone removed entries from the stream: a revocation may be missing, and only
   * auth-service can say which. A snapshot requested after the hole was seen holds every
   * event committed before it, the missing ones included; so does nothing once the window
   * has passed (a lost event then concerns no live token). Until then the stream vouches for
   * nothing, and strict routes depend on the snapshot alone.
   */
  private gap(expected: number, got: number): void {
    this.sequenceGaps += 1;
    this.gapAt = this.clock();
    this.fetchesBeforeGap = this.snapshots?.fetchesSent ?? 0;
    this.logger.warn({
      msg: 'revocation stream has a hole in its entry numbers (entries removed from Redis?): asking auth-service for a snapshot',
      expected,
      got,
    });
    this.snapshots?.now();
  }

  private gapOpen(nowMs: number): boolean {
    if (this.gapAt === undefined) return false;
    const repaired = this.snapshots?.succeededSince(this.fetchesBeforeGap) === true;
    if (repaired || nowMs - this.gapAt > this.context.retentionMs) this.gapAt = undefined;
    return this.gapAt !== undefined;
  }

  private caughtUpOnce(): void {
    this.firstCatchUp?.();
    this.firstCatchUp = undefined;
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
      connected: this.stream?.connected ?? false,
      caughtUp: this.stream?.caughtUp ?? false,
      lastEntryId: this.stream?.lastId ?? '0-0',
      heartbeatAgeMs: Number.isFinite(this.freshAt) ? Math.max(0, now - this.freshAt) : null,
      epoch: this.stream?.epoch ?? null,
      eventsApplied: this.eventsApplied,
      deniedSessions: sessions,
      markedUsers: users,
      source: this.source(now),
      fallback: this.snapshots?.status(now),
      rejected: this.rejections.snapshot(),
      sequenceGaps: this.sequenceGaps,
      gapOpen: this.gapOpen(now),
    };
  }

  /**
   * Applies one verified event; exported for tests and for feeds other than Redis.
   *
   * `at` is signed, so it bounds what even a replayed entry can do: an event older than the
   * retention concerns no live token and is ignored; a role mark only replaces an older one
   * (DenyList); a heartbeat vouches for freshness up to its own `at` and never beyond now,
   * so an old heartbeat replayed today proves nothing new, and one stamped further in the
   * future than the clock leeway is ignored altogether.
   */
  apply(event: RevocationEvent): void {
    const now = this.clock();
    if (event.at < now - this.context.retentionMs) return this.rejections.count('stale');
    if (event.type === 'heartbeat' && event.at > now + this.context.leewayMs)
      return this.rejections.count('future');
    switch (event.type) {
      case 'session':
        this.denyList.revokeSession(event.sessionId, Math.min(event.at, now));
        break;
      case 'user':
        this.denyList.markUser(event.userId, event.role, Math.min(event.at, now));
        break;
      case 'client':
        this.denyList.disableClient(event.clientId, Math.min(event.at, now));
        break;
      case 'heartbeat':
        // Clock skew can only shorten freshness, never extend it.
        this.freshAt = Math.max(this.freshAt, Math.min(event.at, now));
        return;
    }
    this.eventsApplied += 1;
  }
}
