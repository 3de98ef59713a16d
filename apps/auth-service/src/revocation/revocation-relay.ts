import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { REDIS } from '../redis/redis.module';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { DrainLoop } from '../outbox/drain-loop';
import { RelayStream } from './relay-stream';
import { OUTBOX_CHANNEL, readWindow, revocationWindowMs, toEvent } from './revocation-outbox';
import type { OutboxRow } from './revocation-outbox';

// One relay at a time across all replicas: a transaction-scoped advisory lock.
const RELAY_LOCK = 727_002;
const TICK_MS = 1000;
const BATCH = 500;
const CLEANUP_EVERY_MS = 10 * 60_000;
const CLEANUP_BATCH = 1000;
const CLEANUP_MAX_BATCHES = 100;

/**
 * Moves committed outbox events to the Redis stream, in id order, and appends a heartbeat
 * after each drain. Every replica runs it; the advisory lock lets one drain at a time. A
 * drain runs on every commit that wrote events (LISTEN/NOTIFY, so within milliseconds)
 * and at least once a second (heartbeat, and a safety net for missed notifications).
 *
 * Rows are marked published in the same transaction as the appends; if Redis fails the
 * transaction rolls back and the events are retried, and the per-event "published" mark
 * in Redis (naming the stream entry that carried the event, and believed only once that
 * entry is found) keeps a retry from appending twice.
 */
@Injectable()
export class RevocationRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationRelay');
  private readonly stream: RelayStream | undefined;
  private readonly windowMs: number;
  private readonly loop: DrainLoop;
  private lastError = '';
  private lastCleanup = 0;

  constructor(
    @Inject(AUTH_CONFIG) config: AuthConfig,
    @Inject(REDIS) redis: Redis | null,
    private readonly dataSource: DataSource,
    signingKeys: SigningKeysService,
  ) {
    this.windowMs = revocationWindowMs(config);
    this.loop = new DrainLoop({
      databaseUrl: config.databaseUrl,
      channel: OUTBOX_CHANNEL,
      tickMs: TICK_MS,
      drain: () => this.drain(),
    });
    // Entries are signed with the key that signs access tokens: every guard already trusts
    // it from the JWKS, so Redis carries the news without being able to forge it.
    this.stream = redis
      ? new RelayStream(
          redis,
          { stream: config.revocationStream, prefix: config.redisPrefix },
          this.windowMs,
          signingKeys,
        )
      : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.stream) {
      this.logger.warn('REDIS_URL is not set: revocation push is OFF; events wait in the outbox');
      return;
    }
    await this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Resolves once every event committed so far has been offered to Redis (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.stream) await this.loop.flush();
  }

  private async drain(): Promise<void> {
    try {
      await this.dataSource.transaction(async (tx) => {
        const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
          RELAY_LOCK,
        ]);
        if (!locked) return;
        await this.loadSequence(tx);
        let { epoch, created } = await this.stream!.epoch();
        // A failover to a replica that missed the last entries keeps the epoch: start a new
        // one, so that guards read the republished window again.
        if (!created && (await this.stream!.lostEntries())) {
          epoch = await this.stream!.newEpoch();
          created = true;
        }
        if (created) await this.republishWindow(tx, epoch);
        let rows: OutboxRow[];
        do {
          rows = await tx.query(
            `SELECT id, type, user_id, session_id, role, client_id, created_at FROM revocation_events
             WHERE published_at IS NULL ORDER BY id LIMIT $1`,
            [BATCH],
          );
          await this.stream!.appendOnce(rows.map(toEvent), epoch, Date.now());
          if (rows.length > 0) {
            await tx.query(
              'UPDATE revocation_events SET published_at = now() WHERE id = ANY($1::bigint[])',
              [rows.map((r) => r.id)],
            );
          }
        } while (rows.length === BATCH);
        await this.stream!.heartbeat(epoch, Date.now());
        await this.saveSequence(tx);
      });
      if (Date.now() - this.lastCleanup > CLEANUP_EVERY_MS) await this.cleanup();
      if (this.lastError) this.logger.log('revocation relay recovered');
      this.lastError = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError)
        this.logger.error(`revocation relay failed (will retry): ${message}`);
      this.lastError = message;
    }
  }

  /**
   * Published events older than the window can no longer matter; sessions that ended or
   * expired a week ago are kept no longer (their tokens then answer invalid, not reused).
   * In small batches, each its own statement: no long lock, and each well inside the
   * statement timeout however much there is to delete.
   */
  private async cleanup(): Promise<void> {
    this.lastCleanup = Date.now();
    const horizon = new Date(Date.now() - this.windowMs - 3_600_000);
    const batches = [
      [
        `DELETE FROM revocation_events WHERE id IN (SELECT id FROM revocation_events
           WHERE published_at IS NOT NULL AND created_at < $1 LIMIT ${CLEANUP_BATCH})`,
        [horizon],
      ],
      [
        `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions
           WHERE expires_at < $1 OR revoked_at < $1 LIMIT ${CLEANUP_BATCH})`,
        [new Date(Date.now() - 7 * 86_400_000)],
      ],
    ] as const;
    for (const [sql, params] of batches) {
      for (let round = 0; round < CLEANUP_MAX_BATCHES && !this.loop.stopped; round += 1) {
        const [, deleted] = (await this.dataSource.query(sql, [...params])) as [unknown, number];
        if (deleted < CLEANUP_BATCH) break;
      }
    }
  }

  /**
   * The entry numbers continue from the last drain, whichever replica ran it. Under the relay
   * lock, so no other drain numbers entries meanwhile; if this transaction rolls back after
   * some appends, the next drain reuses their numbers and guards see a hole or a repeat and
   * take a snapshot: a false alarm, never a silent loss.
   */
  private async loadSequence(tx: EntityManager): Promise<void> {
    const rows: { last_seq: string }[] = await tx.query(
      'SELECT last_seq FROM revocation_stream_sequence WHERE stream = $1',
      [this.stream!.streamKey],
    );
    this.stream!.lastSeq = rows.length > 0 ? Number(rows[0].last_seq) : 0;
  }

  private async saveSequence(tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO revocation_stream_sequence (stream, last_seq) VALUES ($1, $2)
       ON CONFLICT (stream) DO UPDATE SET last_seq = EXCLUDED.last_seq`,
      [this.stream!.streamKey, this.stream!.lastSeq],
    );
  }

  /** Redis lost its data: append again every event that can still matter, in order. */
  private async republishWindow(tx: EntityManager, epoch: string): Promise<void> {
    const events = await readWindow(tx, this.windowMs, Date.now());
    await this.stream!.append(events, epoch, Date.now());
    this.logger.warn({
      msg: 'revocation stream lost its epoch or entries: republished the window',
      events: events.length,
    });
  }
}
