import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import type { AuthEventType } from './event-types';
import { currentRequest } from './request-context';

/** Channel on which committed webhook deliveries wake the webhook relay of every replica. */
export const WEBHOOK_CHANNEL = 'webhook_deliveries';

export interface NewAuthEvent {
  type: AuthEventType;
  userId?: string | null;
  sessionId?: string | null;
  /** Small, server-made facts (a reason, a new role): never a password or a token. */
  details?: Record<string, string | number | boolean | null>;
  /** Default: the request being handled (see RequestContextInterceptor); none in workers. */
  ip?: string | null;
  userAgent?: string | null;
}

const MAX_USER_AGENT = 256;
const MAX_IP = 64;

/**
 * Writes the audit trail. Call `record` with the transaction of the change the event
 * describes, so both commit or neither does; the webhook deliveries of the event (one per
 * subscribed endpoint, see AUTH_WEBHOOKS_FILE) are written in the same statement group, so
 * an event that exists is an event that will be delivered. Who and from where come from the
 * request being handled unless given; the admin who made a change is added to `details` as
 * `actorId` when it is not the user the event is about.
 *
 * Flows call it in their own transaction, e.g. on TOTP confirmation (MfaEvents):
 * `await events.record(tx, { type: 'mfa_enrolled', userId, sessionId, details: { method:
 * 'totp' } }, now)`.
 */
@Injectable()
export class AuthEvents {
  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  async record(tx: Pick<EntityManager, 'query'>, event: NewAuthEvent, at: Date): Promise<void> {
    await this.recordMany(tx, [event], at);
  }

  /** Several events in one insert, in order (e.g. one per revoked session). */
  async recordMany(
    tx: Pick<EntityManager, 'query'>,
    events: NewAuthEvent[],
    at: Date,
  ): Promise<void> {
    if (events.length === 0) return;
    const request = currentRequest();
    const rows = events.map((e) => {
      const details = { ...e.details };
      if (request?.actorId && request.actorId !== e.userId) details.actorId = request.actorId;
      return {
        type: e.type,
        userId: e.userId ?? null,
        sessionId: e.sessionId ?? null,
        ip: clip(e.ip === undefined ? request?.ip : e.ip, MAX_IP),
        userAgent: clip(
          e.userAgent === undefined ? request?.userAgent : e.userAgent,
          MAX_USER_AGENT,
        ),
        details: JSON.stringify(details),
      };
    });
    const inserted: { id: string; type: AuthEventType; user_id: string | null }[] = await tx.query(
      `INSERT INTO auth_events (type, at, user_id, session_id, ip, user_agent, details)
       SELECT e.type, $1, e.user_id, e.session_id, e.ip, e.user_agent, e.details
       FROM unnest($2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[])
            WITH ORDINALITY AS e(type, user_id, session_id, ip, user_agent, details, n)
       ORDER BY e.n
       RETURNING id, type, user_id`,
      [
        at,
        rows.map((r) => r.type),
        rows.map((r) => r.userId),
        rows.map((r) => r.sessionId),
        rows.map((r) => r.ip),
        rows.map((r) => r.userAgent),
        rows.map((r) => r.details),
      ],
    );
    await this.enqueueDeliveries(tx, inserted, at);
  }

  /** One delivery per event and subscribed endpoint, in event order. */
  private async enqueueDeliveries(
    tx: Pick<EntityManager, 'query'>,
    events: { id: string; type: AuthEventType; user_id: string | null }[],
    at: Date,
  ): Promise<void> {
    const deliveries: { eventId: string; endpoint: string; userKey: string }[] = [];
    const sorted = [...events].sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    for (const event of sorted) {
      for (const endpoint of this.config.events.webhooks.endpoints) {
        if (endpoint.events !== '*' && !endpoint.events.includes(event.type)) continue;
        deliveries.push({ eventId: event.id, endpoint: endpoint.id, userKey: event.user_id ?? '' });
      }
    }
    if (deliveries.length === 0) return;
    await tx.query(
      `INSERT INTO webhook_deliveries (event_id, endpoint, user_key, next_attempt_at, created_at)
       SELECT d.event_id, d.endpoint, d.user_key, $1, $1
       FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS d(event_id, endpoint, user_key, n)
       ORDER BY d.n`,
      [
        at,
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.endpoint),
        deliveries.map((d) => d.userKey),
      ],
    );
    await tx.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, '']);
  }
}

function clip(value: string | null | undefined, max: number): string | null {
  return value === undefined || value === null ? null : value.slice(0, max);
}
