import type { RevocationFeed } from '@hybrid-auth/auth-guard';
import { Redis } from 'ioredis';
import { bearer, PASSWORD, REDIS_URL, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { eventually, followFeed, streamKeys, verdict } from './revocation-feed';
import { decodeJwt } from './expectations';

describe('revocation events reach the stream every guard follows', () => {
  let t: AuthTestApp;
  let feed: RevocationFeed;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };

  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    });
    feed = await followFeed(t);
  });
  afterAll(async () => {
    await feed.stop();
    await t.close();
  });

  const adminToken = async () =>
    // Admin routes take only a token for auth-service alone.
    (
      await t
        .http()
        .post('/auth/login')
        .send({ ...admin, audience: 'auth-service' })
        .expect(200)
    ).body.accessToken as string;

  it('publishes a logout as a revoked session', async () => {
    const s = await signUpAndLogin(t);
    expect(verdict(feed, s.user.id, s.sessionId)).toBeUndefined();
    await t.http().post('/auth/logout').set(bearer(s.accessToken)).expect(204);
    await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
  });

  it('publishes every session of a logout-all, and keeps the current one with scope others', async () => {
    const email = uniqueEmail();
    const first = await signUpAndLogin(t, email);
    const second = (await t.http().post('/auth/login').send({ email, password: PASSWORD })).body;
    await t
      .http()
      .post('/auth/logout-all')
      .set(bearer(second.accessToken))
      .send({ scope: 'others' })
      .expect(204);
    await eventually(() => verdict(feed, first.user.id, first.sessionId) === 'session_revoked');
    expect(verdict(feed, first.user.id, second.sessionId)).toBeUndefined();
    await t
      .http()
      .post('/auth/logout-all')
      .set(bearer(second.accessToken))
      .send({ scope: 'all' })
      .expect(204);
    await eventually(() => verdict(feed, first.user.id, second.sessionId) === 'session_revoked');
  });

  it('publishes a refresh-token reuse as a revoked session', async () => {
    const s = await signUpAndLogin(t);
    await t.http().post('/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200);
    t.clock.advance(t.config.refreshReuseGrace + 1);
    const res = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: s.refreshToken })
      .expect(401);
    expect(res.body.code).toBe('refresh_token_reused');
    await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
  });

  it('publishes a password change as the end of every other session', async () => {
    const email = uniqueEmail();
    const other = await signUpAndLogin(t, email);
    const current = (await t.http().post('/auth/login').send({ email, password: PASSWORD })).body;
    await t
      .http()
      .post('/auth/password')
      .set(bearer(current.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(204);
    await eventually(() => verdict(feed, other.user.id, other.sessionId) === 'session_revoked');
    expect(verdict(feed, other.user.id, current.sessionId)).toBeUndefined();
  });

  it('publishes a deleted session', async () => {
    const email = uniqueEmail();
    const doomed = await signUpAndLogin(t, email);
    const keeper = (await t.http().post('/auth/login').send({ email, password: PASSWORD })).body;
    await t
      .http()
      .delete(`/auth/sessions/${doomed.sessionId}`)
      .set(bearer(keeper.accessToken))
      .expect(204);
    await eventually(() => verdict(feed, doomed.user.id, doomed.sessionId) === 'session_revoked');
  });

  it('publishes a disabled user as the end of all their sessions, and refuses their login', async () => {
    const email = uniqueEmail();
    const s = await signUpAndLogin(t, email);
    const res = await t
      .http()
      .patch(`/auth/admin/users/${s.user.id}`)
      .set(bearer(await adminToken()))
      .send({ disabled: true })
      .expect(200);
    expect(res.body).toMatchObject({ id: s.user.id, disabled: true, role: 'user' });
    await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
    const login = await t
      .http()
      .post('/auth/login')
      .send({ email, password: PASSWORD })
      .expect(401);
    expect(login.body.code).toBe('invalid_credentials');
  });

  it('publishes a role change: old tokens are stale, a refreshed token carries the new role', async () => {
    const s = await signUpAndLogin(t);
    await t
      .http()
      .patch(`/auth/admin/users/${s.user.id}`)
      .set(bearer(await adminToken()))
      .send({ role: 'admin' })
      .expect(200);
    await eventually(() => verdict(feed, s.user.id, s.sessionId, 'user') === 'token_stale');
    expect((await t.http().get('/auth/me').set(bearer(s.accessToken)).expect(401)).body.code).toBe(
      'token_stale',
    );
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: s.refreshToken })
      .expect(200);
    expect(refreshed.body.user.role).toBe('admin');
    const { iat } = decodeJwt(refreshed.body.accessToken).payload as { iat: number };
    expect(verdict(feed, s.user.id, s.sessionId, 'admin', iat)).toBeUndefined();
    await t.http().get('/auth/me').set(bearer(refreshed.body.accessToken)).expect(200);
  });

  it('lets only admins change users', async () => {
    const s = await signUpAndLogin(t);
    const res = await t
      .http()
      .patch(`/auth/admin/users/${s.user.id}`)
      .set(bearer(s.accessToken))
      .send({ role: 'admin' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    const selfOnly = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: s.refreshToken, audience: 'auth-service' })
      .expect(200);
    const again = await t
      .http()
      .patch(`/auth/admin/users/${s.user.id}`)
      .set(bearer(selfOnly.body.accessToken))
      .send({ role: 'admin' });
    expect({ status: again.status, code: again.body.code }).toEqual({
      status: 403,
      code: 'forbidden',
    });
  });

  it('still publishes a logout when published marks were pre-set for the next outbox ids', async () => {
    const s = await signUpAndLogin(t);
    const [{ last }] = await t.dataSource.query(
      'SELECT coalesce(max(id), 0)::text AS last FROM revocation_events',
    );
    const redis = new Redis(REDIS_URL);
    const { published } = streamKeys(t);
    for (let id = Number(last) + 1; id <= Number(last) + 20; id += 1)
      await redis.set(published(String(id)), id % 2 === 0 ? '1' : '0-1', 'EX', 600);
    await redis.quit();
    await t.http().post('/auth/logout').set(bearer(s.accessToken)).expect(204);
    await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
  });

  it('republishes the window when Redis lost its data, so a guard starting afterwards knows old revocations', async () => {
    const s = await signUpAndLogin(t);
    await t.http().post('/auth/logout').set(bearer(s.accessToken)).expect(204);
    await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
    const redis = new Redis(REDIS_URL);
    const { stream } = streamKeys(t);
    const keys = await redis.keys(`${stream}*`);
    await redis.del(...keys);
    await redis.quit();
    await eventually(async () => {
      const late = await followFeed(t);
      const known = verdict(late, s.user.id, s.sessionId) === 'session_revoked';
      await late.stop();
      return known;
    });
  });
});
