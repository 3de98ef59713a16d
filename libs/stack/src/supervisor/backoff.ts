/**
 * How long to wait before restarting a process that exited, as Docker's restart policies
 * (compose's `restart: unless-stopped`) do: the delay doubles with each exit in a row, up to
 * a ceiling, and starts over once the process has stayed up for a while. So a process killed
 * once is back at once, and one that cannot start (its database is down, say) is retried
 * more and more rarely instead of in a tight loop.
 */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
  /** Up this long, a process counts as healthy again: its next exit waits `firstMs`. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 250, maxMs: 30_000, resetAfterMs: 10_000 };

export class Backoff {
  private failures = 0;
  private startedAt: number;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** The process (re)started now. */
  started(): void {
    this.startedAt = this.now();
  }

  /** The process exited now: how long to wait before starting it again. */
  nextDelay(): number {
    if (this.now() - this.startedAt >= this.policy.resetAfterMs) this.failures = 0;
    const delay = Math.min(this.policy.maxMs, this.policy.firstMs * 2 ** this.failures);
    this.failures += 1;
    return delay;
  }
}
