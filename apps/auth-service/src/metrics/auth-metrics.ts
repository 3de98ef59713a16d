import { Global, Injectable, Module } from '@nestjs/common';
import { MetricsService } from '@hybrid-auth/platform';
import type { Counter, Gauge } from 'prom-client';

/**
 * The auth events operators watch: sign-ins and their failures, refreshes by outcome (a rise
 * in `reused` means stolen tokens are being tried), revocations by reason, rate-limit hits.
 * Labels are small closed sets: never a user, an email or an address.
 */
@Injectable()
export class AuthMetrics {
  readonly logins: Counter<'outcome'>;
  readonly refreshes: Counter<'outcome'>;
  readonly revocations: Counter<'reason'>;
  readonly rateLimited: Counter<'scope'>;
  readonly mailSent: Counter;
  readonly mailFailures: Counter;
  readonly mailBacklog: Gauge;
  readonly mailGivenUp: Counter;
  readonly resetRequestsDropped: Counter;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly webhookBacklog: Gauge;
  readonly webhookLag: Gauge;

  constructor(metrics: MetricsService) {
    this.logins = metrics.counter({
      name: 'auth_logins_total',
      help: 'Sign-in attempts by outcome (ok, invalid_credentials, rate_limited)',
      labelNames: ['outcome'],
    });
    this.refreshes = metrics.counter({
      name: 'auth_refreshes_total',
      help: 'Refresh attempts by outcome (rotated, replayed, invalid, reused)',
      labelNames: ['outcome'],
    });
    this.revocations = metrics.counter({
      name: 'auth_revocations_total',
      help: 'Sessions ended and roles changed, by reason',
      labelNames: ['reason'],
    });
    this.rateLimited = metrics.counter({
      name: 'auth_rate_limited_total',
      help: 'Requests refused by a rate limit, by scope (account, ip, refresh_session, refresh_ip, logout_session, logout_ip, register_ip; register, forgot, resend, change: _ip and _address)',
      labelNames: ['scope'],
    });
    this.mailSent = metrics.counter({
      name: 'auth_mail_sent_total',
      help: 'Mails the SMTP server accepted',
    });
    this.mailFailures = metrics.counter({
      name: 'auth_mail_failures_total',
      help: 'Attempts to send a mail that failed (each is retried with backoff)',
    });
    this.mailBacklog = metrics.gauge({
      name: 'auth_mail_backlog',
      help: 'Mails in the outbox not yet accepted by the SMTP server (and not given up)',
    });
    this.mailGivenUp = metrics.counter({
      name: 'auth_mail_given_up_total',
      help: 'Mails the SMTP server still refused AUTH_MAIL_GIVE_UP_AFTER after they were queued (not retried again)',
    });
    this.resetRequestsDropped = metrics.counter({
      name: 'auth_reset_requests_dropped_total',
      help: 'Forgot-password requests answered 202 but not written: PostgreSQL stayed away through every retry',
    });
    this.webhookDeliveries = metrics.counter({
      name: 'auth_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, failed: retried with backoff, given_up)',
      labelNames: ['outcome'],
    });
    this.webhookBacklog = metrics.gauge({
      name: 'auth_webhook_backlog',
      help: 'Webhook deliveries not yet accepted by their endpoint (and not given up)',
    });
    this.webhookLag = metrics.gauge({
      name: 'auth_webhook_lag_seconds',
      help: 'Age of the oldest webhook delivery not yet accepted by its endpoint (0 when none)',
    });
  }
}

@Global()
@Module({ providers: [AuthMetrics], exports: [AuthMetrics] })
export class AuthMetricsModule {}
