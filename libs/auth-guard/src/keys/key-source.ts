import type { KeyObject } from 'node:crypto';
import { importJwks } from './jwk';
import type { PublicJwk } from './jwk';

/**
 * Where the guard finds verification keys. `get` is called on the request path and must
 * be a memory lookup; anything that needs the network happens in `start` or in
 * `refreshForUnknownKid`, which must settle within a short, bounded time.
 */
export interface KeySource {
  get(kid: string): KeyObject | undefined;
  /** True once at least one key is held (false means "cannot verify yet": 503, not 401). */
  hasKeys(): boolean;
  /** A token named a kid we do not hold: refetch if allowed, settle when done or timed out. */
  refreshForUnknownKid?(kid: string): Promise<void>;
  start?(): Promise<void>;
  stop?(): void;
  /** For health and metrics. */
  describe?(): { keys: number; lastRefreshAt?: number; lastError?: string; fetches?: number };
}

/** Keys given up front (tests, or services configured with a fixed JWKS). */
export class StaticKeySource implements KeySource {
  private readonly keys: Map<string, KeyObject>;

  constructor(jwks: PublicJwk[]) {
    this.keys = importJwks({ keys: jwks });
    if (this.keys.size === 0) throw new Error('No usable ES256 public key among the given keys');
  }

  get(kid: string): KeyObject | undefined {
    return this.keys.get(kid);
  }

  hasKeys(): boolean {
    return true;
  }

  describe() {
    return { keys: this.keys.size };
  }
}
