import { startAuthApp, signUpAndLogin } from './harness';
import type { AuthTestApp } from './harness';
import { eventually } from './revocation-feed';

/**
 * What can no longer matter leaves the database: sessions that ended or expired over a week
 * ago, and published revocation events older than the window. The relay deletes them in
 * batches at start and every ten minutes; live sessions and recent events are kept.
 */
describe('cleanup of old sessions and revocation events', () => {
  let t: AuthTestApp;
  afterAll(() => t.close());

  it('deletes thousands of old rows in batches, and nothing that still matters', async () => {
    t = await startAuthApp();
    const live = await signUpAndLogin(t);
    const count = async (sql: string) => Number((await t.dataSource.query(sql))[0].n);
    // 2500 sessions ended nine days ago, 2500 expired ones, 2500 old published events:
    // more than two batches of each kind.
    await t.dataSource.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at, revoked_at, revoke_reason)
       SELECT $1, '\\x00', now() + interval '1 day', now() - interval '9 days', 'logout'
       FROM generate_series(1, 2500)`,
      [live.user.id],
    );
    await t.dataSource.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at)
       SELECT $1, '\\x00', now() - interval '8 days' FROM generate_series(1, 2500)`,
      [live.user.id],
    );
    await t.dataSource.query(
      `INSERT INTO revocation_events (type, user_id, session_id, reason, created_at, published_at)
       SELECT 'session', $1, gen_random_uuid(), 'logout', now() - interval '3 hours', now() - interval '3 hours'
       FROM generate_series(1, 2500)`,
      [live.user.id],
    );
    // A recent published revocation stays: guards may still need it.
    await t.dataSource.query(
      `INSERT INTO revocation_events (type, user_id, session_id, reason, created_at, published_at)
       VALUES ('session', $1, $1, 'logout', now() - interval '1 minute', now())`,
      [live.user.id],
    );

    // The relay cleans up at start: restart on the same database.
    await t.close({ keepDatabase: true });
    t = await startAuthApp({}, { db: t.db });
    await eventually(async () => (await count('SELECT count(*) AS n FROM sessions')) === 1, 20_000);
    await eventually(
      async () => (await count('SELECT count(*) AS n FROM revocation_events')) === 1,
      20_000,
    );
    const [event] = await t.dataSource.query('SELECT session_id FROM revocation_events');
    expect(event.session_id).toBe(live.user.id);
    const [session] = await t.dataSource.query('SELECT id FROM sessions');
    expect(session.id).toBe(live.sessionId);
  });
});
