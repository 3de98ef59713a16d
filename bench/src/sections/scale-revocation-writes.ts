import { Client } from 'pg';
import type { Pool } from 'pg';

/*
 * The database side of the sustained-revocation measurement: the sessions it revokes, copied
 * from real login sessions, and the two direct paths that write what a logout commits.
 */

/** One revocation of the run: its session, its access token, and what happened to it. */
export interface Revocation {
  userId: string;
  sessionId: string;
  token: string;
  sampled: boolean;
  /** performance.now(): when the logout was due, and when its 204 arrived. */
  dueAt: number;
  returnedAt: number;
  status: number;
}

/**
 * `count` live sessions, copied row for row from the run's real login sessions (same users,
 * same columns; a new id each). Only the bench's own database is written.
 */
export async function copySessions(
  databaseUrl: string,
  count: number,
): Promise<{ userId: string; sessionId: string }[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; user_id: string }>(
      `WITH live AS (
         SELECT *, row_number() OVER (ORDER BY created_at) - 1 AS k FROM (
           SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > now()
           ORDER BY created_at LIMIT 1000) s),
       picked AS (
         SELECT live.* FROM generate_series(0, $1::int - 1) AS n
         JOIN live ON live.k = n % (SELECT count(*) FROM live))
       INSERT INTO sessions (id, user_id, token_hash, generation, rotated_at, created_at,
         last_used_at, expires_at, user_agent, ip, credential_version, aal, amr, auth_time)
       SELECT gen_random_uuid(), user_id, token_hash, generation, rotated_at, now(), now(),
         expires_at, user_agent, ip, credential_version, aal, amr, auth_time FROM picked
       RETURNING id, user_id`,
      [count],
    );
    if (rows.length !== count) throw new Error(`copied ${rows.length} sessions, wanted ${count}`);
    return rows.map((r) => ({ userId: r.user_id, sessionId: r.id }));
  } finally {
    await client.end();
  }
}

/** What `POST /auth/logout` commits for one session (sessions.service.ts, revocation-outbox.ts). */
export async function writeOutbox(pool: Pool, group: Revocation[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const now = new Date();
    const { rows } = await client.query<{ id: string; user_id: string }>(
      `WITH revoked AS (
         UPDATE sessions SET revoked_at = $2, revoke_reason = 'logout'
         WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL RETURNING id, user_id)
       SELECT id, user_id FROM revoked`,
      [group.map((r) => r.sessionId), now],
    );
    await client.query(
      `INSERT INTO revocation_events (type, user_id, session_id, reason, created_at)
       SELECT 'session', s.user_id, s.id, 'logout', $3
       FROM unnest($1::uuid[], $2::uuid[]) AS s(id, user_id)`,
      [rows.map((x) => x.id), rows.map((x) => x.user_id), now],
    );
    await client.query('SELECT pg_notify($1, $2)', ['revocation_events', '']);
    await client.query('COMMIT');
    if (rows.length !== group.length) throw new Error('a session was not live');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
