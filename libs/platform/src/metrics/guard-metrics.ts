import type { AuthGuardStatus } from '@hybrid-auth/auth-guard';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * Guard internals as Prometheus metrics, read from the guard's snapshot at scrape time
 * (nothing is added to the request path). Labels are bounded: outcome codes only.
 */
export function registerGuardMetrics(registry: Registry, guard: AuthGuardStatus): void {
  const snapshot = () => guard.snapshot();
  new Counter({
    registers: [registry],
    name: 'auth_guard_verifications_total',
    help: 'Access-token checks by outcome (ok or an error code)',
    labelNames: ['outcome'],
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(snapshot().outcomes))
        this.inc({ outcome }, count);
    },
  });
  new Counter({
    registers: [registry],
    name: 'auth_guard_feed_rejected_total',
    help: 'Revocation stream entries and events that changed nothing (unsigned, bad signature, unknown kid, another stream, stale, future heartbeat)',
    labelNames: ['reason'],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(snapshot().feed?.rejected ?? {}))
        this.inc({ reason }, count);
    },
  });
  const gauge = (name: string, help: string, read: () => number | undefined | null) =>
    new Gauge({
      registers: [registry],
      name,
      help,
      collect() {
        const value = read();
        if (value !== undefined && value !== null) this.set(value);
      },
    });
  gauge('auth_guard_cache_entries', 'Verified tokens held in memory', () => snapshot().cache.size);
  gauge(
    'auth_guard_cache_hits',
    'Requests answered from the verified-token cache (cumulative)',
    () => snapshot().cache.hits,
  );
  gauge(
    'auth_guard_cache_misses',
    'Requests that needed a signature check (cumulative)',
    () => snapshot().cache.misses,
  );
  gauge('auth_guard_keys', 'Verification keys held', () => snapshot().keys?.keys);
  gauge(
    'auth_guard_jwks_fetches',
    'JWKS fetches made (cumulative)',
    () => snapshot().keys?.fetches,
  );
  gauge('auth_guard_feed_connected', '1 when the revocation feed is connected', () =>
    bool(snapshot().feed?.connected),
  );
  gauge('auth_guard_feed_caught_up', '1 when the revocation window was read', () =>
    bool(snapshot().feed?.caughtUp),
  );
  gauge('auth_guard_feed_heartbeat_age_seconds', 'Age of the last relay heartbeat seen', () => {
    const age = snapshot().feed?.heartbeatAgeMs;
    return age === null || age === undefined ? undefined : age / 1000;
  });
  gauge(
    'auth_guard_feed_fallback_active',
    "1 while revocation news comes from auth-service's snapshot (the stream is out of touch)",
    () => {
      const feed = snapshot().feed;
      return feed?.fallback ? bool(feed.source === 'fallback') : undefined;
    },
  );
  gauge(
    'auth_guard_feed_snapshot_fetches',
    'Snapshots requested from auth-service (cumulative)',
    () => snapshot().feed?.fallback?.fetches,
  );
  gauge(
    'auth_guard_feed_snapshot_failures',
    'Snapshot requests that failed (cumulative)',
    () => snapshot().feed?.fallback?.failures,
  );
  gauge(
    'auth_guard_feed_sequence_gaps',
    'Holes seen in the revocation stream numbering: entries removed from Redis (cumulative)',
    () => snapshot().feed?.sequenceGaps,
  );
  gauge(
    'auth_guard_feed_gap_open',
    '1 while a hole in the stream waits for a snapshot (the stream vouches for nothing)',
    () => bool(snapshot().feed?.gapOpen),
  );
  gauge(
    'auth_guard_feed_events_applied',
    'Revocation events applied (cumulative)',
    () => snapshot().feed?.eventsApplied,
  );
  gauge(
    'auth_guard_denylist_sessions',
    'Revoked sessions held in memory',
    () => snapshot().feed?.deniedSessions,
  );
  gauge(
    'auth_guard_denylist_users',
    'Users with a role-change mark held in memory',
    () => snapshot().feed?.markedUsers,
  );
}

const bool = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);
