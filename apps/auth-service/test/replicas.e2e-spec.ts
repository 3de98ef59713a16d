import { bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import {
  eventually,
  followFeed,
  streamEvents as eventsOf,
  streamSequence,
} from './revocation-feed';

describe('two auth-service replicas on one database and one stream', () => {
  let a: AuthTestApp;
  let b: AuthTestApp;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };

  beforeAll(async () => {
    a = await startAuthApp({
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    });
    b = await startAuthApp(
      {
        AUTH_REVOCATION_STREAM: a.config.revocationStream,
        AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
        AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      },
      { db: a.db },
    );
  }, 30_000);
  afterAll(async () => {
    await b.close({ keepDatabase: true });
    await a.close();
  });

  const streamEvents = () => eventsOf(a);

  it('publishes every event exactly once, in order per user, when both revoke at once', async () => {
    // A guard following the stream from the start sees no hole in the entries' numbering.
    const feed = await followFeed(a);
    const sessions = await Promise.all(Array.from({ length: 12 }, () => signUpAndLogin(a)));
    // Half the logouts go to each replica, all at the same time.
    await Promise.all(
      sessions.map((s, i) =>
        (i % 2 === 0 ? a : b).http().post('/auth/logout').set(bearer(s.accessToken)).expect(204),
      ),
    );
    const adminToken = (
      await b
        .http()
        .post('/auth/login')
        .send({ ...admin, audience: 'auth-service' })
        .expect(200)
    ).body.accessToken;
    const target = sessions[0].user.id;
    for (let i = 0; i < 6; i += 1) {
      const replica = i % 2 === 0 ? a : b;
      const role = i % 2 === 0 ? 'admin' : 'user';
      await replica
        .http()
        .patch(`/auth/admin/users/${target}`)
        .set(bearer(adminToken))
        .send({ role })
        .expect(200);
    }
    const [{ count }] = await a.dataSource.query(
      'SELECT count(*)::int AS count FROM revocation_events',
    );
    await eventually(async () => (await streamEvents()).length >= count);
    const events = await streamEvents();
    const ids = events.map((e) => (e as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(count);
    for (const s of sessions) {
      expect(
        events.filter((e) => e?.type === 'session' && e.sessionId === s.sessionId),
      ).toHaveLength(1);
    }
    const roles = events
      .filter((e) => e?.type === 'user' && e.userId === target)
      .map((e) => (e as { role: string }).role);
    expect(roles).toEqual(['admin', 'user', 'admin', 'user', 'admin', 'user']);
    // Both replicas drained, heartbeats included: one count across them, 1, 2, 3… with no
    // hole and no repeat (the count lives in PostgreSQL beside the outbox).
    const seqs = await streamSequence(a);
    expect(seqs.length).toBeGreaterThan(1);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(feed.status()).toMatchObject({ sequenceGaps: 0, gapOpen: false });
    await feed.stop();
  });

  it('lets a session started on one replica be refreshed on the other and ended there', async () => {
    const email = uniqueEmail();
    const s = await signUpAndLogin(a, email);
    const refreshed = await b
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: s.refreshToken })
      .expect(200);
    await a.http().get('/auth/me').set(bearer(refreshed.body.accessToken)).expect(200);
    await b.http().post('/auth/logout').set(bearer(refreshed.body.accessToken)).expect(204);
    const res = await a.http().get('/auth/me').set(bearer(refreshed.body.accessToken)).expect(401);
    expect(res.body.code).toBe('session_revoked');
  });
});
