import http from 'node:http';
import { Client } from 'pg';
import type { Pool } from 'pg';

/*
 * How the sustained-revocation measurement revokes: the sessions it revokes, copied from real
 * login sessions, and the three paths a revocation takes (the real logout, and two that write
 * what a logout commits straight into the database).
 */

/**
 * `logout`: POST /auth/logout; `outbox`: the logout's transaction, written by the bench, one
 * per session; `batch`: the same, every session due since the last 2 ms tick in one.
 */
export type RevocationPath = 'logout' | 'outbox' | 'batch';

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

const REVOCATION_PATH =
  'POST /auth/logout with the session’s access token, as a client logs out: auth-service’s own ' +
  'guard verifies the token, then one transaction ends the session (UPDATE sessions, INSERT into ' +
  'the revocation outbox, pg_notify, the audit event), and the relay appends the signed entry to ' +
  'the Redis stream. The sessions are rows copied in SQL from real login sessions and their ' +
  'access tokens are minted with auth-service’s signing key in its format: at ~146 logins/s ' +
  '(argon2id) the 1,000 sessions a second this needs could not be made by logging in.';

const OUTBOX_PATH =
  'The logout’s transaction written by the bench straight into auth-service’s database, as ' +
  'auth-service writes it (sessions-service revokeIds and revocation-outbox sessionsRevoked: ' +
  'UPDATE sessions, INSERT into revocation_events, pg_notify, one transaction per session), ' +
  'without the HTTP request, the token check and the audit row; auth-service’s own relay then ' +
  'drains the outbox to the signed stream. It measures relay, stream and guards at a rate the ' +
  'HTTP logout cannot reach on this machine. Sessions and tokens as for the logout run.';

const BATCH_PATH =
  'As the previous run, but every session that fell due since the last tick of the load ' +
  'loop (2 ms; a few at 1,000/s) revoked in one transaction, as auth-service revokes several ' +
  'sessions at once (logout-all, a password change, an admin revocation: one UPDATE, one ' +
  'outbox INSERT of one row per session, one pg_notify). Fewer commits for PostgreSQL; every ' +
  'session still gets its own event, and its delay is measured from its transaction’s commit.';

/** What the report says of each path. */
export const PATH_DESCRIPTIONS: Record<RevocationPath, string> = {
  logout: REVOCATION_PATH,
  outbox: OUTBOX_PATH,
  batch: BATCH_PATH,
};

/** Revokes one group of sessions along `path`; resolves to the HTTP status (204 when done). */
export function revoker(
  path: RevocationPath,
  agent: http.Agent,
  authUrl: URL,
  pool: Pool,
): (group: Revocation[]) => Promise<number> {
  return (group) =>
    path === 'logout'
      ? logout(agent, authUrl, group[0].token)
      : writeOutbox(pool, group).then(
          () => 204,
          () => 0,
        );
}

function logout(agent: http.Agent, url: URL, token: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/auth/logout',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': '2',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve(0));
    request.end('{}');
  });
}
