import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';

// One cleaner at a time across replicas: each batch takes this transaction-scoped lock.
const RETENTION_LOCK = 727_005;
const EVERY_MS = 10 * 60_000;
const BATCH = 1000;
const MAX_BATCHES = 100;
/** Delivered webhooks are kept this long after they were queued, for investigation. */
const DELIVERED_KEPT_MS = 7 * 86_400_000;

/**
 * Deletes events older than AUTH_EVENTS_RETENTION_DAYS, and delivered webhooks after a week,
 * in batches of 1000 (each its own short statement: no long lock, well inside the statement
 * timeout), at most 100 batches a run and one run every 10 minutes. An event whose webhook
 * delivery is still pending is kept until it is delivered or given up; a given-up delivery
 * goes with its event (the cascade).
 */
@Injectable()
export class EventsRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventsRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One cleaning run (also the timer's); resolves to the number of rows deleted. */
  run(): Promise<number> {
    this.running ??= this.clean()
      .catch((error: unknown) => {
        this.logger.error(`events cleanup failed (will retry): ${(error as Error).message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async clean(): Promise<number> {
    const now = this.clock.now().getTime();
    const eventsBefore = new Date(now - this.config.events.retentionDays * 86_400_000);
    const deliveredBefore = new Date(now - DELIVERED_KEPT_MS);
    const statements: [string, Date][] = [
      [
        `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
           WHERE delivered_at IS NOT NULL AND created_at < $1 LIMIT ${BATCH})`,
        deliveredBefore,
      ],
      [
        `DELETE FROM auth_events WHERE id IN (SELECT e.id FROM auth_events e WHERE e.at < $1
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id
             AND d.delivered_at IS NULL AND d.failed_at IS NULL)
           LIMIT ${BATCH})`,
        eventsBefore,
      ],
    ];
    let total = 0;
    for (const [sql, before] of statements) {
      for (let round = 0; round < MAX_BATCHES && !this.stopped; round += 1) {
        const deleted = await this.dataSource.transaction(async (tx) => {
          const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
            RETENTION_LOCK,
          ]);
          if (!locked) return -1;
          const [, count] = (await tx.query(sql, [before])) as [unknown, number];
          return count;
        });
        if (deleted < 0) return total;
        total += deleted;
        if (deleted < BATCH) break;
      }
    }
    return total;
  }
}
