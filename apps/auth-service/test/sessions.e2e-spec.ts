import { randomUUID } from 'node:crypto';
import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';

describe('GET /auth/sessions', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it("lists the caller's live sessions, newest first, marking the current one", async () => {
    const first = await signUpAndLogin(t);
    t.clock.advance(5);
    const second = (
      await login(t, first.user.email, undefined, { 'user-agent': 'phone/2.0' }).expect(200)
    ).body;
    const res = await t.http().get('/auth/sessions').set(bearer(first.accessToken)).expect(200);
    expect(res.body).toEqual([
      {
        id: second.sessionId,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        expiresAt: expect.any(String),
        userAgent: 'phone/2.0',
        ip: t.clientIp,
        current: false,
      },
      expect.objectContaining({ id: first.sessionId, current: true }),
    ]);
    const [newest] = res.body;
    expect(Date.parse(newest.expiresAt) - Date.parse(newest.createdAt)).toBe(
      t.config.refreshTokenTtl * 1000,
    );
  });

  it('updates lastUsedAt when the session is refreshed', async () => {
    const session = await signUpAndLogin(t);
    t.clock.advance(60);
    const rotated = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    const res = await t
      .http()
      .get('/auth/sessions')
      .set(bearer(rotated.body.accessToken))
      .expect(200);
    const [only] = res.body;
    expect(Date.parse(only.lastUsedAt) - Date.parse(only.createdAt)).toBeGreaterThanOrEqual(60_000);
  });

  it('leaves out ended sessions and the sessions of other users', async () => {
    const mine = await signUpAndLogin(t);
    const ended = (await login(t, mine.user.email).expect(200)).body;
    await t.http().post('/auth/logout').set(bearer(ended.accessToken)).expect(204);
    await signUpAndLogin(t);
    const res = await t.http().get('/auth/sessions').set(bearer(mine.accessToken)).expect(200);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([mine.sessionId]);
  });

  it('answers 401 missing_token without an access token', async () => {
    const res = await t.http().get('/auth/sessions');
    expectError(res, 401, 'missing_token');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('DELETE /auth/sessions/:id', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it('ends one of my other sessions: 204, its tokens stop working, mine keep working', async () => {
    const me = await signUpAndLogin(t);
    const other = (await login(t, me.user.email).expect(200)).body;
    await t
      .http()
      .delete(`/auth/sessions/${other.sessionId}`)
      .set(bearer(me.accessToken))
      .expect(204);
    expectError(
      await t.http().get('/auth/me').set(bearer(other.accessToken)),
      401,
      'session_revoked',
    );
    expectError(
      await t.http().post('/auth/refresh').send({ refreshToken: other.refreshToken }),
      401,
      'invalid_refresh_token',
    );
    await t.http().get('/auth/me').set(bearer(me.accessToken)).expect(200);
    const [row] = await t.dataSource.query('SELECT revoke_reason FROM sessions WHERE id = $1', [
      other.sessionId,
    ]);
    expect(row.revoke_reason).toBe('deleted');
  });

  it('ends the current session too, when asked', async () => {
    const me = await signUpAndLogin(t);
    await t.http().delete(`/auth/sessions/${me.sessionId}`).set(bearer(me.accessToken)).expect(204);
    expectError(await t.http().get('/auth/me').set(bearer(me.accessToken)), 401, 'session_revoked');
  });

  it("answers 404 not_found for someone else's session, and leaves it alive", async () => {
    const me = await signUpAndLogin(t);
    const stranger = await signUpAndLogin(t);
    const res = await t
      .http()
      .delete(`/auth/sessions/${stranger.sessionId}`)
      .set(bearer(me.accessToken));
    expectError(res, 404, 'not_found');
    await t.http().get('/auth/me').set(bearer(stranger.accessToken)).expect(200);
  });

  it('answers 404 not_found for a session that does not exist', async () => {
    const me = await signUpAndLogin(t);
    expectError(
      await t.http().delete(`/auth/sessions/${randomUUID()}`).set(bearer(me.accessToken)),
      404,
      'not_found',
    );
  });

  it.each([['not-a-uuid'], ['1234'], [`${randomUUID()}x`], ["' OR 1=1 --"]])(
    'answers 400 validation_failed with details for the id %j',
    async (id) => {
      const me = await signUpAndLogin(t);
      const res = await t
        .http()
        .delete(`/auth/sessions/${encodeURIComponent(id)}`)
        .set(bearer(me.accessToken));
      expectError(res, 400, 'validation_failed');
      expect(res.body.details).toEqual([{ field: 'id', problems: [expect.any(String)] }]);
    },
  );

  it('answers 401 missing_token without an access token', async () => {
    expectError(await t.http().delete(`/auth/sessions/${randomUUID()}`), 401, 'missing_token');
  });
});
