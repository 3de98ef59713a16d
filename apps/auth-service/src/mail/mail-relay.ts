import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { AuthMetrics } from '../metrics/auth-metrics';
import { MAIL_CHANNEL } from './mail-outbox';
import { MailTransport } from './mail-transport';

// One sender at a time across all replicas: a transaction-scoped advisory lock.
const MAIL_LOCK = 727_003;
const TICK_MS = 1000;
const MAX_PER_DRAIN = 100;

interface MailRow {
  id: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  attempts: number;
}

/**
 * Sends the mail outbox by SMTP. Each mail is its own transaction: lock, pick the oldest
 * due mail (FOR UPDATE SKIP LOCKED), hand it to the SMTP server, mark it sent, commit. A
 * refusal or an unreachable server leaves it unsent, with its next attempt pushed back
 * exponentially (AUTH_MAIL_RETRY_BASE doubled per attempt, at most AUTH_MAIL_RETRY_MAX).
 *
 * Delivery is at least once: a crash (or lost connection to PostgreSQL) after the SMTP
 * server took a mail and before the commit sends it again. Nothing is ever lost: a mail
 * leaves the outbox only marked sent, after the server accepted it.
 */
@Injectable()
export class MailRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailRelay');
  private listener: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastError = '';

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly metrics: AuthMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
  }

  /** Requests a drain; coalesces requests that arrive while one runs. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves once every mail due so far has been offered to the SMTP server (tests). */
  async flush(): Promise<void> {
    await this.draining;
    this.kick();
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      let sent = 0;
      while (sent < MAX_PER_DRAIN && !this.stopped && (await this.sendOne())) sent += 1;
      if (sent === MAX_PER_DRAIN) this.again = true;
      await this.updateBacklog();
      if (this.lastError) this.logger.log('mail relay recovered');
      this.lastError = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) this.logger.error(`mail relay failed: ${message}`);
      this.lastError = message;
    }
  }

  /** Offers the oldest due mail; false when there was none (or another replica holds the lock). */
  private sendOne(): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        MAIL_LOCK,
      ]);
      if (!locked) return false;
      const now = this.clock.now();
      const rows: MailRow[] = await tx.query(
        `SELECT id, recipient, subject, text_body, html_body, attempts FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= $1
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      const row = rows[0];
      if (!row) return false;
      try {
        const { recipient: to, subject, text_body: text, html_body: html } = row;
        await this.transport.send({ to, subject, text, html });
      } catch (error) {
        await this.postpone(tx, row, error, now);
        return true;
      }
      await tx.query('UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1 WHERE id = $1', [
        row.id,
        now,
      ]);
      this.metrics.mailSent.inc();
      return true;
    });
  }

  private async postpone(tx: EntityManager, row: MailRow, error: unknown, now: Date) {
    const { retryBaseSeconds, retryMaxSeconds } = this.config.email;
    const delay = Math.min(retryMaxSeconds, retryBaseSeconds * 2 ** Math.min(row.attempts, 20));
    const message = error instanceof Error ? error.message : String(error);
    await tx.query(
      `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3
       WHERE id = $1`,
      [row.id, new Date(now.getTime() + delay * 1000), message.slice(0, 500)],
    );
    this.metrics.mailFailures.inc();
    if (message !== this.lastError) {
      this.logger.warn({ msg: 'mail not sent; will retry', retryInSeconds: delay, error: message });
    }
    this.lastError = message;
  }

  private async updateBacklog(): Promise<void> {
    const [{ count }] = await this.dataSource.query(
      'SELECT count(*)::int AS count FROM mail_outbox WHERE sent_at IS NULL',
    );
    this.metrics.mailBacklog.set(count);
  }

  /** A dedicated connection that LISTENs for committed mail; reconnects on failure. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: 2000,
    });
    let retried = false;
    const retry = () => {
      if (this.stopped || retried) return;
      retried = true;
      setTimeout(() => void this.listen(), 1000).unref();
    };
    client.on('notification', () => this.kick());
    client.on('error', retry);
    client.on('end', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${MAIL_CHANNEL}`);
      this.listener = client;
    } catch {
      retry();
      await client.end().catch(() => undefined);
    }
  }
}
