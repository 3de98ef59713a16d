import { Logger } from '@nestjs/common';
import { readCapped } from '../read-capped';
import { parseSnapshot } from './protocol';
import type { RevocationSnapshot } from './protocol';

/**
 * auth-service's snapshot of the revocation window (`GET /auth/internal/revocations`), read
 * only while the stream cannot answer: Redis down, the window not read yet, or no relay
 * heartbeat for 3 s. It keeps revocations reaching this guard, and strict routes serving,
 * through a Redis outage, at the cost of one request per `intervalMs` while it lasts.
 */
export interface RevocationFallbackOptions {
  url: string;
  /**
   * The bearer token: a client-credentials token with scope `revocations:read`, asked for on
   * each poll (e.g. `() => serviceTokens.clientCredentials('revocations:read')`, which caches
   * it), or auth-service's `AUTH_REVOCATIONS_SECRET`, the documented fallback.
   */
  secret: string | (() => Promise<string>);
  /** Poll period while the stream is out of touch (default 1000 ms). */
  intervalMs?: number;
  /** Per-request timeout (default 2000 ms). */
  timeoutMs?: number;
  /** Largest snapshot accepted (default 64 MiB, some 400 000 events). */
  maxBytes?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface SnapshotPollerStatus {
  fetches: number;
  failures: number;
  lastSuccessAgeMs: number | null;
}

const DEFAULTS = { intervalMs: 1000, timeoutMs: 2000, maxBytes: 64 * 1024 * 1024 };

/**
 * Polls the snapshot whenever `needed()` says the stream cannot vouch for the news, and
 * hands its events to `apply`, all or nothing. `freshAt` is the instant (on this guard's
 * clock) the last successful snapshot is complete as of: everything committed before its
 * request was sent is in it.
 */
export class SnapshotPoller {
  private readonly logger = new Logger('RevocationFeed');
  private succeededAt = Number.NEGATIVE_INFINITY;
  private fetches = 0;
  /** The number (1, 2…, in the order sent) of the last fetch that succeeded. */
  private lastSucceeded = 0;
  private failures = 0;
  private lastError = '';
  private active = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly aborter = new AbortController();

  constructor(
    private readonly options: RevocationFallbackOptions,
    private readonly clock: () => number,
    private readonly needed: () => boolean,
    private readonly apply: (events: RevocationSnapshot['events']) => void,
    private readonly onSuccess: () => void,
  ) {}

  get freshAt(): number {
    return this.succeededAt;
  }

  /** True once a snapshot requested after the `fetchesSent` count was taken has arrived. */
  succeededSince(fetchesSent: number): boolean {
    return this.lastSucceeded > fetchesSent;
  }

  get fetchesSent(): number {
    return this.fetches;
  }

  start(): void {
    this.loop = this.run();
  }

  /** Asks at once rather than at the next poll (the stream just dropped). */
  now(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.aborter.abort();
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  status(nowMs: number): SnapshotPollerStatus {
    return {
      fetches: this.fetches,
      failures: this.failures,
      lastSuccessAgeMs: Number.isFinite(this.succeededAt)
        ? Math.max(0, nowMs - this.succeededAt)
        : null,
    };
  }

  private async run(): Promise<void> {
    const intervalMs = this.options.intervalMs ?? DEFAULTS.intervalMs;
    // At start, give the stream a moment: when Redis answers, no request is needed at all.
    await this.pause(Math.min(intervalMs, 500));
    while (!this.stopped) {
      if (this.needed()) {
        await this.fetchOnce();
      } else if (this.active) {
        this.active = false;
        this.logger.log('revocation stream current again: snapshot polling stopped');
      }
      await this.pause(intervalMs);
    }
  }

  private async fetchOnce(): Promise<void> {
    const { url, secret } = this.options;
    const sentAt = this.clock();
    const ticket = (this.fetches += 1);
    try {
      const bearer = typeof secret === 'string' ? secret : await secret();
      const response = await (this.options.fetch ?? fetch)(url, {
        signal: AbortSignal.any([
          this.aborter.signal,
          AbortSignal.timeout(this.options.timeoutMs ?? DEFAULTS.timeoutMs),
        ]),
        headers: { accept: 'application/json', authorization: `Bearer ${bearer}` },
        redirect: 'error',
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const text = await readCapped(
        response,
        this.options.maxBytes ?? DEFAULTS.maxBytes,
        'snapshot',
      );
      const snapshot = parseSnapshot(JSON.parse(text));
      if (!snapshot) throw new Error('malformed snapshot');
      this.apply(snapshot.events);
      this.succeededAt = sentAt;
      this.lastSucceeded = ticket;
      if (!this.active)
        this.logger.warn(
          `revocation stream out of touch: following auth-service's snapshot (${snapshot.events.length} events)`,
        );
      this.active = true;
      this.lastError = '';
      this.onSuccess();
    } catch (error) {
      if (this.stopped) return;
      this.failures += 1;
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError)
        this.logger.warn(`revocation snapshot from ${url} failed: ${message}`);
      this.lastError = message;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref();
    });
  }
}
