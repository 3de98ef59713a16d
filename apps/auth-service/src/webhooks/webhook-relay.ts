import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import type { WebhookEndpoint } from '../config/events.config';
import { WEBHOOK_CHANNEL } from '../events/auth-events.service';
import { toView } from '../events/event-query';
import { AuthMetrics } from '../metrics/auth-metrics';
import { DrainLoop } from '../outbox/drain-loop';
import { WebhookSender } from './webhook-sender';

// One deliverer at a time across all replicas: a transaction-scoped advisory lock.
const WEBHOOK_LOCK = 727_004;
const TICK_MS = 1000;
const MAX_PER_DRAIN = 200;

/**
 * Delivers the webhook outbox. Each delivery is its own transaction: lock, pick the oldest
 * due delivery that heads its (endpoint, user) queue, POST it, mark it delivered, commit.
 * "Heads its queue": no earlier delivery to that endpoint about that user is still pending,
 * so a user's events reach an endpoint in order, and one user's failing event holds back
 * only that user's later events. A failure postpones the delivery exponentially
 * (AUTH_WEBHOOK_RETRY_BASE doubled per attempt, at most AUTH_WEBHOOK_RETRY_MAX) and skips
 * that endpoint for the rest of the drain (a down endpoint costs one attempt per drain, not
 * one per user); after AUTH_WEBHOOK_GIVE_UP_AFTER it is marked failed (replay: docs/runbook.md).
 *
 * At least once: a crash between the endpoint's 2xx and the commit sends it again, with the
 * same `webhook-id`.
 */
@Injectable()
export class WebhookRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookRelay');
  private readonly loop: DrainLoop;
  private readonly sender: WebhookSender;
  private readonly endpoints: Map<string, WebhookEndpoint>;
  private lastError = '';

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly metrics: AuthMetrics,
  ) {
    const { endpoints, timeoutSeconds } = config.events.webhooks;
    this.endpoints = new Map(endpoints.map((e) => [e.id, e]));
    this.sender = new WebhookSender(timeoutSeconds * 1000);
    this.loop = new DrainLoop({
      databaseUrl: config.databaseUrl,
      channel: WEBHOOK_CHANNEL,
      tickMs: TICK_MS,
      drain: (signal) => this.drain(signal),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.endpoints.size > 0) await this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Resolves once every delivery due so far has been attempted (tests). */
  async flush(): Promise<void> {
    if (this.endpoints.size > 0) await this.loop.flush();
  }

  private async drain(signal: AbortSignal): Promise<boolean> {
    let attempted = 0;
    const skip = new Set<string>();
    try {
      while (attempted < MAX_PER_DRAIN && !this.loop.stopped) {
        const outcome = await this.deliverOne(skip, signal);
        if (outcome === 'none') break;
        attempted += 1;
      }
      await this.updateGauges();
      if (this.lastError && skip.size === 0) this.logger.log('webhook deliveries recovered');
      if (skip.size === 0) this.lastError = '';
    } catch (error) {
      // Stopped mid-delivery: rolled back, the delivery stays due for the next replica.
      if (signal.aborted) return false;
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) this.logger.error(`webhook relay failed: ${message}`);
      this.lastError = message;
    }
    return attempted === MAX_PER_DRAIN;
  }

  private deliverOne(
    skip: Set<string>,
    signal: AbortSignal,
  ): Promise<'none' | 'delivered' | 'failed'> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        WEBHOOK_LOCK,
      ]);
      if (!locked) return 'none';
      const now = this.clock.now();
      const wanted = [...this.endpoints.keys()].filter((id) => !skip.has(id));
      if (wanted.length === 0) return 'none';
      const rows = await tx.query(
        `SELECT d.id AS delivery_id, d.endpoint, d.attempts, d.created_at AS queued_at,
                e.id, e.type, e.at, e.user_id, e.session_id, e.ip, e.user_agent, e.details
         FROM webhook_deliveries d JOIN auth_events e ON e.id = d.event_id
         WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $1
           AND d.endpoint = ANY($2::text[])
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
             WHERE p.endpoint = d.endpoint AND p.user_key = d.user_key AND p.id < d.id
               AND p.delivered_at IS NULL AND p.failed_at IS NULL)
         ORDER BY d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED`,
        [now, wanted],
      );
      const row = rows[0];
      if (!row) return 'none';
      const endpoint = this.endpoints.get(row.endpoint)!;
      try {
        // Signed with the wall clock: receivers check the timestamp against theirs.
        await this.sender.send(endpoint, toView(row), new Date(), signal);
      } catch (error) {
        // Not the endpoint's fault: roll back, so that the attempt is not counted against it.
        if (signal.aborted) throw error;
        skip.add(endpoint.id);
        await this.postpone(tx, row, endpoint, error, now);
        return 'failed';
      }
      await tx.query(
        'UPDATE webhook_deliveries SET delivered_at = $2, attempts = attempts + 1 WHERE id = $1',
        [row.delivery_id, now],
      );
      this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      return 'delivered';
    });
  }

  private async postpone(
    tx: EntityManager,
    row: { delivery_id: string; attempts: number; queued_at: Date },
    endpoint: WebhookEndpoint,
    error: unknown,
    now: Date,
  ): Promise<void> {
    const { retryBaseSeconds, retryMaxSeconds, giveUpSeconds } = this.config.events.webhooks;
    const delay = Math.min(retryMaxSeconds, retryBaseSeconds * 2 ** Math.min(row.attempts, 20));
    const message = describe(error);
    const givingUp = now.getTime() - row.queued_at.getTime() >= giveUpSeconds * 1000;
    await tx.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3,
              failed_at = $4 WHERE id = $1`,
      [
        row.delivery_id,
        new Date(now.getTime() + delay * 1000),
        message.slice(0, 500),
        givingUp ? now : null,
      ],
    );
    this.metrics.webhookDeliveries.inc({ outcome: givingUp ? 'given_up' : 'failed' });
    const text = `${endpoint.id}: ${message}`;
    if (givingUp) {
      this.logger.error({
        msg: 'webhook delivery given up',
        endpoint: endpoint.id,
        error: message,
      });
    } else if (text !== this.lastError) {
      this.logger.warn({
        msg: 'webhook not delivered; will retry',
        endpoint: endpoint.id,
        retryInSeconds: delay,
        error: message,
      });
    }
    this.lastError = text;
  }

  private async updateGauges(): Promise<void> {
    const [{ count, oldest }] = await this.dataSource.query(
      `SELECT count(*)::int AS count, min(created_at) AS oldest FROM webhook_deliveries
       WHERE delivered_at IS NULL AND failed_at IS NULL`,
    );
    this.metrics.webhookBacklog.set(count);
    const lag = oldest ? (this.clock.now().getTime() - new Date(oldest).getTime()) / 1000 : 0;
    this.metrics.webhookLag.set(Math.max(0, lag));
  }
}

/**
 * fetch's own errors say only "fetch failed": the cause names the refusal or the timeout.
 * Duck-typed: fetch's errors come from Node's own realm, not always `instanceof Error` here.
 */
function describe(error: unknown): string {
  const { message, cause } = (error ?? {}) as {
    message?: unknown;
    cause?: { code?: string; message?: string };
  };
  if (typeof message !== 'string') return String(error);
  const why = cause?.code ?? cause?.message;
  return why ? `${message}: ${why}` : message;
}
