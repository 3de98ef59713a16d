import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { RequestThrottleService } from '../auth/request-throttle.service';
import { AuthMetrics } from '../metrics/auth-metrics';
import { MAIL_CHANNEL } from '../mail/mail-outbox';
import { mailTemplates } from '../mail/mail-templates';
import { normalizeEmail } from '../users/users.service';
import { hashLinkToken, newLinkToken } from './email-tokens';

/** Waits between attempts while PostgreSQL is away (31 s in all), in milliseconds. */
const FORGOT_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000];
/** Requests written behind their answer at once; beyond it the answer waits (backpressure). */
const MAX_PENDING = 1000;

/**
 * "Forgot password" answers 202 for every address, and the answer does not wait for the
 * database. The throttles (counted alike for every address) decide the answer; the lookup,
 * the link token and the mail are written after it has gone. Doing that work in line and
 * keeping both branches equal was not enough: a known address writes two rows and an unknown
 * one none, and on a loaded machine that alone made known addresses answer twice as slowly
 * (measured in CI). OWASP's forgot-password advice names this way out.
 *
 * Work behind an answer is retried while PostgreSQL is away, and awaited at shutdown (before
 * the database connections close), so a restart loses none; past its retries it is dropped
 * with an error log and a metric, and the user asks again.
 */
@Injectable()
export class ForgotPassword implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ForgotPassword');
  private readonly pending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly limits: RequestThrottleService,
    private readonly metrics: AuthMetrics,
  ) {}

  async request(email: string, ip: string): Promise<void> {
    const address = normalizeEmail(email);
    await this.limits.email('forgot', address, ip);
    const work = this.storeWithRetries(address).finally(() => this.pending.delete(work));
    this.pending.add(work);
    if (this.pending.size > MAX_PENDING) await work;
  }

  /** Resolves once every request answered so far is written or given up (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  private async storeWithRetries(address: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.store(address);
        return;
      } catch (error) {
        const delay = FORGOT_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || this.stopping.signal.aborted) {
          this.metrics.resetRequestsDropped.inc();
          this.logger.error(
            `password reset request dropped after ${attempt + 1} attempt(s): ${String(error)}`,
          );
          return;
        }
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /** One statement stores the token and the mail only if an enabled account has the address. */
  private async store(address: string): Promise<void> {
    const { publicUrl, resetTokenTtl } = this.config.email;
    const token = newLinkToken();
    const mail = mailTemplates.reset(publicUrl, address, token, Math.round(resetTokenTtl / 60));
    const now = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      const [{ stored }] = await tx.query(
        `WITH account AS (
           SELECT id FROM users WHERE lower(email) = $1 AND disabled_at IS NULL),
         link AS (
           INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at, created_at)
           SELECT $2, id, 'reset', $1, $3, $4 FROM account RETURNING user_id),
         queued AS (
           INSERT INTO mail_outbox (recipient, subject, text_body, html_body, next_attempt_at, created_at)
           SELECT $1, $5, $6, $7, $4, $4 FROM link RETURNING id)
         SELECT count(*)::int AS stored FROM queued`,
        [
          address,
          hashLinkToken(token),
          new Date(now.getTime() + resetTokenTtl * 1000),
          now,
          mail.subject,
          mail.text,
          mail.html,
        ],
      );
      if (stored > 0) await tx.query('SELECT pg_notify($1, $2)', [MAIL_CHANNEL, '']);
    });
  }
}
