import { Injectable } from '@nestjs/common';
import type { RevocationEvent, Role } from '@hybrid-auth/auth-guard';
import type { EntityManager } from 'typeorm';
import type { AuthConfig } from '../config/auth.config';
import { AuthEvents } from '../events/auth-events.service';
import type { AuthEventType } from '../events/event-types';
import { AuthMetrics } from '../metrics/auth-metrics';
import type { RevokeReason } from '../sessions/session.entity';

/** Channel on which committed outbox writes wake the relay of every replica. */
export const OUTBOX_CHANNEL = 'revocation_events';

/**
 * Revocation events are written in the same transaction as the change they announce (the
 * transactional outbox): if the change commits, so does its event, and a crash between the
 * two is impossible. `pg_notify` is transactional too: relays are woken only on commit.
 */
@Injectable()
export class RevocationOutbox {
  constructor(
    private readonly metrics: AuthMetrics,
    private readonly events: AuthEvents,
  ) {}

  /**
   * Every ended session passes here, whatever ended it: its audit event is written here too,
   * in the same transaction (one `logout`, `refresh_token_reused` or `session_revoked` per
   * session, with the reason). The two tables stay apart: revocation events live as long as
   * an access token and carry only what guards need; audit events are kept for months.
   */
  async sessionsRevoked(
    tx: EntityManager,
    sessions: { id: string; userId: string }[],
    reason: RevokeReason,
    at: Date,
  ): Promise<void> {
    if (sessions.length === 0) return;
    await tx.query(
      `INSERT INTO revocation_events (type, user_id, session_id, reason, created_at)
       SELECT 'session', s.user_id, s.id, $3, $4
       FROM unnest($1::uuid[], $2::uuid[]) AS s(id, user_id)`,
      [sessions.map((s) => s.id), sessions.map((s) => s.userId), reason, at],
    );
    await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    const type: AuthEventType =
      reason === 'logout'
        ? 'logout'
        : reason === 'reuse_detected'
          ? 'refresh_token_reused'
          : 'session_revoked';
    await this.events.recordMany(
      tx,
      sessions.map((s) => ({ type, userId: s.userId, sessionId: s.id, details: { reason } })),
      at,
    );
    this.metrics.revocations.inc({ reason }, sessions.length);
  }

  async roleChanged(tx: EntityManager, userId: string, role: Role, at: Date): Promise<void> {
    await this.userChanged(tx, userId, role, 'role_changed', at);
  }

  /**
   * A change that makes the user's outstanding access tokens stale. The event carries the
   * user's current role (guards compare it with the token's) and its time: guards refuse
   * every token of the user issued before it, which is how a change that shows in no role
   * (a verified or changed e-mail address) reaches them. The reason stays in the outbox.
   */
  async userChanged(
    tx: EntityManager,
    userId: string,
    role: Role,
    reason: 'role_changed' | 'email_verified' | 'email_changed' | 'mfa_changed',
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO revocation_events (type, user_id, role, reason, created_at) VALUES ('user', $1, $2, $3, $4)`,
      [userId, role, reason, at],
    );
    await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    this.metrics.revocations.inc({ reason });
  }

  /** Machine clients disabled in AUTH_CLIENTS_FILE: guards refuse the tokens they exchanged. */
  async clientsDisabled(db: Pick<EntityManager, 'query'>, clientIds: string[], at: Date) {
    if (clientIds.length === 0) return;
    await db.query(
      `INSERT INTO revocation_events (type, client_id, reason, created_at)
       SELECT 'client', c, 'client_disabled', $2 FROM unnest($1::text[]) AS c`,
      [clientIds, at],
    );
    await db.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    this.metrics.revocations.inc({ reason: 'client_disabled' }, clientIds.length);
  }
}

export interface OutboxRow {
  id: string;
  type: 'session' | 'user' | 'client';
  user_id: string;
  client_id?: string | null;
  session_id: string | null;
  role: Role | null;
  created_at: Date;
}

export type OutboxEvent = Exclude<RevocationEvent, { type: 'heartbeat' }>;

export function toEvent(row: OutboxRow): OutboxEvent {
  const at = row.created_at.getTime();
  if (row.type === 'client') return { type: 'client', id: row.id, clientId: row.client_id!, at };
  return row.type === 'session'
    ? { type: 'session', id: row.id, sessionId: row.session_id!, userId: row.user_id, at }
    : { type: 'user', id: row.id, userId: row.user_id, role: row.role!, at };
}

/** How long an event can matter: as long as any access token can live, with the leeway on both ends. */
export function revocationWindowMs(
  config: Pick<AuthConfig, 'accessTokenTtl' | 'clockLeewaySeconds'>,
): number {
  return (config.accessTokenTtl + 2 * config.clockLeewaySeconds) * 1000;
}

/** Every committed event of the window, in id order, published or not. */
export async function readWindow(
  db: Pick<EntityManager, 'query'>,
  windowMs: number,
  nowMs: number,
): Promise<OutboxEvent[]> {
  const rows: OutboxRow[] = await db.query(
    `SELECT id, type, user_id, session_id, role, client_id, created_at FROM revocation_events
     WHERE created_at > $1 ORDER BY id`,
    [new Date(nowMs - windowMs)],
  );
  return rows.map(toEvent);
}
