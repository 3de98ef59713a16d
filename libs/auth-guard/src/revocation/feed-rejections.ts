import { Logger } from '@nestjs/common';
import type { EntryRejection } from './stream-entry';

/** Why an entry or event changed nothing: see readStreamEntry, and RevocationFeed.apply. */
export type FeedRejection = EntryRejection | 'stale' | 'future';

/**
 * Counts what the feed ignored, for metrics, and logs the first of each kind (per kid for
 * unknown keys): a forger filling the stream costs a counter increment, not a log flood.
 */
export class FeedRejections {
  private readonly logger = new Logger('RevocationFeed');
  private readonly counts: Record<FeedRejection, number> = {
    unsigned: 0,
    malformed: 0,
    unknown_kid: 0,
    bad_signature: 0,
    foreign_stream: 0,
    stale: 0,
    future: 0,
  };
  private readonly reported = new Set<string>();

  count(reason: FeedRejection, kid?: string): void {
    this.counts[reason] += 1;
    // Events past the retention turn up at the window's edge in normal operation.
    if (reason === 'stale') return;
    const kind = reason === 'unknown_kid' ? `${reason}:${kid}` : reason;
    if (this.reported.has(kind) || this.reported.size > 100) return;
    this.reported.add(kind);
    const why =
      reason === 'future'
        ? "a heartbeat stamped in the future beyond the clock leeway (is auth-service's clock ahead?)"
        : `a stream entry not signed by auth-service for this stream (${reason}${kid ? `, kid ${kid}` : ''})`;
    this.logger.warn(`revocation feed ignored ${why}; further ones are counted, not logged`);
  }

  snapshot(): Record<FeedRejection, number> {
    return { ...this.counts };
  }
}
