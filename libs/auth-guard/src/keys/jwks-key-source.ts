import { Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { readCapped } from '../read-capped';
import { importJwks } from './jwk';
import type { KeySource } from './key-source';

export interface JwksKeySourceOptions {
  url: string;
  refreshIntervalSeconds: number;
  unknownKidCooldownSeconds: number;
  timeoutMs: number;
  clock: () => number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Far above any real key set (a P-256 JWK is some 200 bytes); the body is abandoned past it. */
export const MAX_JWKS_BYTES = 64 * 1024;
const RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

/**
 * Public keys fetched from auth-service's JWKS endpoint, in the background.
 *
 * - At start, the first fetch is awaited for at most `timeoutMs`; when auth-service is not
 *   up yet, fetching goes on with backoff and the guard answers 503 until keys arrive.
 * - The set is refreshed every `refreshIntervalSeconds`, replaced atomically, and kept
 *   as is when a fetch fails (stale keys keep verifying while auth-service is down).
 * - A token with an unknown kid may trigger one refetch per cooldown, shared by every
 *   request that asks meanwhile: a flood of random kids costs at most one fetch per cooldown.
 */
export class JwksKeySource implements KeySource {
  private readonly logger = new Logger('JwksKeySource');
  private keys = new Map<string, KeyObject>();
  private inflight: Promise<void> | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastRefreshAt: number | undefined;
  private lastError: string | undefined;
  private fetches = 0;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: JwksKeySourceOptions) {}

  async start(): Promise<void> {
    await this.withTimeout(this.refresh());
    this.schedule(
      this.keys.size > 0 ? this.options.refreshIntervalSeconds * 1000 : RETRY_DELAYS_MS[0],
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  get(kid: string): KeyObject | undefined {
    return this.keys.get(kid);
  }

  hasKeys(): boolean {
    return this.keys.size > 0;
  }

  async refreshForUnknownKid(): Promise<void> {
    const cooldownMs = this.options.unknownKidCooldownSeconds * 1000;
    if (!this.inflight && this.options.clock() - this.lastAttemptAt < cooldownMs) return;
    await this.withTimeout(this.refresh());
  }

  describe() {
    return {
      keys: this.keys.size,
      lastRefreshAt: this.lastRefreshAt,
      lastError: this.lastError,
      fetches: this.fetches,
    };
  }

  /** One fetch at a time; concurrent callers share it. Never rejects. */
  private refresh(): Promise<void> {
    this.inflight ??= this.fetchOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchOnce(): Promise<void> {
    this.lastAttemptAt = this.options.clock();
    this.fetches += 1;
    try {
      const doFetch = this.options.fetch ?? fetch;
      const response = await doFetch(this.options.url, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: { accept: 'application/json' },
        redirect: 'error',
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const text = await readCapped(response, MAX_JWKS_BYTES, 'JWKS document');
      const keys = importJwks(JSON.parse(text));
      if (keys.size === 0) throw new Error('JWKS holds no usable ES256 key');
      this.keys = keys;
      this.lastRefreshAt = this.options.clock();
      this.lastError = undefined;
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(`JWKS fetch from ${this.options.url} failed: ${this.lastError}`);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().then(() => {
        const delay =
          this.failures === 0
            ? this.options.refreshIntervalSeconds * 1000
            : RETRY_DELAYS_MS[Math.min(this.failures - 1, RETRY_DELAYS_MS.length - 1)];
        this.schedule(delay);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async withTimeout(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.timeoutMs);
    });
    await Promise.race([work, timeout]);
    clearTimeout(timer);
  }
}
