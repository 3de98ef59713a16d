import { Inject, Injectable } from '@nestjs/common';
import { unavailable } from '@hybrid-auth/platform';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';

const SWEEP_EVERY_MS = 60_000;

/**
 * Single use of client assertions, shared by every replica: the first request to record a
 * `(client, jti)` wins, any other gets false. PostgreSQL, not Redis: it is the store every
 * deployment has, and when it cannot answer the token endpoint answers 503 (fail closed),
 * never "probably not seen".
 */
@Injectable()
export class AssertionReplay {
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Records the jti until `expiresAt`; false when it was already used. */
  async firstUse(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    let rows: unknown[];
    try {
      rows = await this.dataSource.query(
        `INSERT INTO client_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [clientId, jti, expiresAt],
      );
    } catch (error) {
      throw unavailable('The token endpoint cannot record assertions right now', error);
    }
    this.sweep();
    return rows.length === 1;
  }

  /** Drops expired rows, at most once a minute per process, off the request path. */
  private sweep(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // An expired assertion is refused by its `exp` anyway: its row is no longer needed.
    this.dataSource
      .query('DELETE FROM client_assertions WHERE expires_at < $1', [new Date(now - 60_000)])
      .catch(() => undefined);
  }
}
