import { Injectable } from '@nestjs/common';
import type { Role } from '@hybrid-auth/auth-guard';
import type { EntityManager } from 'typeorm';
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
  constructor(private readonly metrics: AuthMetrics) {}

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
    this.metrics.revocations.inc({ reason }, sessions.length);
  }

  async roleChanged(tx: EntityManager, userId: string, role: Role, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO revocation_events (type, user_id, role, reason, created_at) VALUES ('user', $1, $2, 'role_changed', $3)`,
      [userId, role, at],
    );
    await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    this.metrics.revocations.inc({ reason: 'role_changed' });
  }
}
