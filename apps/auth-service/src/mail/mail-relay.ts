import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { AuthMetrics } from '../metrics/auth-metrics';
import { DrainLoop } from '../outbox/drain-loop';
import { MAIL_CLEANUP_EVERY_MS, cleanUpMail } from './mail-cleanup';
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
  created_at: Date;
}

/**
 * Sends the mail outbox by SMTP. Each mail is its own transaction: lock, pick the oldest
 * due mail (FOR UPDATE SKIP LOCKED), hand it to the SMTP server, mark it sent, commit. A
 * refusal or an unreachable server leaves it unsent, with its next attempt pushed back
 * exponentially (AUTH_MAIL_RETRY_BASE doubled per attempt, at most AUTH_MAIL_RETRY_MAX).
 *
 * Delivery is at least once: a crash (or lost connection to PostgreSQL) after the SMTP
 * server took a mail and before the commit sends it again. An outage loses nothing: a mail
 * leaves the outbox marked sent, after the server accepted it, or marked given up when the
 * server still refuses it AUTH_MAIL_GIVE_UP_AFTER (3 days) after it was queued: its bodies
 * are blanked, an error is logged and `auth_mail_given_up_total` counts it.
 */
@Injectable()
export class MailRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailRelay');
  private readonly loop: DrainLoop;
  private lastError = '';
  private lastCleanup = 0;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly metrics: AuthMetrics,
  ) {
    this.loop = new DrainLoop({
      databaseUrl: config.databaseUrl,
      channel: MAIL_CHANNEL,
      tickMs: TICK_MS,
      drain: (signal) => this.drain(signal),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Resolves once every mail due so far has been offered to the SMTP server (tests). */
  async flush(): Promise<void> {
    await this.loop.flush();
  }

  /** Sends what is due, up to MAX_PER_DRAIN mails; true when more may be waiting. */
  private async drain(signal: AbortSignal): Promise<boolean> {
    let sent = 0;
    try {
      while (sent < MAX_PER_DRAIN && !this.loop.stopped && (await this.sendOne(signal))) sent += 1;
      await this.updateBacklog();
      if (Date.now() - this.lastCleanup > MAIL_CLEANUP_EVERY_MS) {
        this.lastCleanup = Date.now();
        await cleanUpMail(this.dataSource, this.clock.now(), () => this.loop.stopped);
      }
      if (this.lastError) this.logger.log('mail relay recovered');
      this.lastError = '';
    } catch (error) {
      // Stopped mid-send: the mail stays due (rolled back) for the next replica to send.
      if (signal.aborted) return false;
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) this.logger.error(`mail relay failed: ${message}`);
      this.lastError = message;
    }
    return sent === MAX_PER_DRAIN;
  }

  /** Offers the oldest due mail; false when there was none (or another replica holds the lock). */
  private sendOne(signal: AbortSignal): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        MAIL_LOCK,
      ]);
      if (!locked) return false;
      const now = this.clock.now();
      const rows: MailRow[] = await tx.query(
        `SELECT id, recipient, subject, text_body, html_body, attempts, created_at
         FROM mail_outbox
         WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      const row = rows[0];
      if (!row) return false;
      try {
        const { recipient: to, subject, text_body: text, html_body: html } = row;
        await this.transport.send({ to, subject, text, html }, signal);
      } catch (error) {
        // Not the server's fault: roll back, so that the attempt is not counted against it.
        if (signal.aborted) throw error;
        await this.postpone(tx, row, error, now);
        return true;
      }
      // The bodies go as soon as the server has them: they hold link tokens in clear, which
      // the database otherwise keeps only as hashes.
      await tx.query(
        `UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, text_body = '', html_body = ''
         WHERE id = $1`,
        [row.id, now],
      );
      this.metrics.mailSent.inc();
      return true;
    });
  }

  private async postpone(tx: EntityManager, row: MailRow, error: unknown, now: Date) {
    const { retryBaseSeconds, retryMaxSeconds, giveUpSeconds } = this.config.email;
    const delay = Math.min(retryMaxSeconds, retryBaseSeconds * 2 ** Math.min(row.attempts, 20));
    const message = error instanceof Error ? error.message : String(error);
    if (now.getTime() - row.created_at.getTime() >= giveUpSeconds * 1000) {
      await tx.query(
        `UPDATE mail_outbox SET attempts = attempts + 1, given_up_at = $2, last_error = $3,
           text_body = '', html_body = '' WHERE id = $1`,
        [row.id, now, message.slice(0, 500)],
      );
      this.metrics.mailFailures.inc();
      this.metrics.mailGivenUp.inc();
      this.logger.error({
        msg: 'mail given up',
        mailId: row.id,
        attempts: row.attempts + 1,
        error: message,
      });
      return;
    }
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
      'SELECT count(*)::int AS count FROM mail_outbox WHERE sent_at IS NULL AND given_up_at IS NULL',
    );
    this.metrics.mailBacklog.set(count);
  }
}
