import type { Redis, RedisOptions } from 'ioredis';
import type { KeySource } from '../keys/key-source';
import type { FeedRejection } from './feed-rejections';
import type { RevocationFallbackOptions, SnapshotPollerStatus } from './snapshot-poller';

export type { RevocationFallbackOptions } from './snapshot-poller';

/** The `revocation` option of AuthGuardModule. */
export interface RevocationFeedOptions {
  /**
   * A Redis URL, ioredis options (e.g. `{ sentinels: [{ host, port }], name }` for a
   * Sentinel-managed primary), or an ioredis client whose settings the feed copies: either way
   * the feed reads on a connection of its own, since its reads block. Without it (no Redis at all)
   * the feed polls the `fallback` snapshot instead, which is then required.
   */
  redis?: Redis | RedisOptions | string;
  /** Stream name, if auth-service was configured with another one (`AUTH_REVOCATION_STREAM`). */
  streamKey?: string;
  /** The deployment's Redis key prefix (`AUTH_REDIS_PREFIX`, default `hybrid-auth:`). */
  keyPrefix?: string;
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
  /** Stream entries and events that changed nothing, by reason (cumulative). */
  rejected: Record<FeedRejection, number>;
  /**
   * Holes seen in the stream's entry numbers (cumulative), and whether the last one is still
   * open: the stream cannot vouch for the news until a snapshot taken after the hole (or the
   * retention window) has passed.
   */
  sequenceGaps: number;
  gapOpen: boolean;
}

/** What the feed needs from the module besides its options. */
export interface RevocationFeedContext {
  /** How long an event can matter: the longest token lifetime plus the leeway on both ends. */
  retentionMs: number;
  /** Clock skew tolerated (a heartbeat further in the future than this is ignored). */
  leewayMs: number;
  /** The keys that verify access tokens also verify the stream: auth-service signs both. */
  keys: KeySource;
  clock: () => number;
}
