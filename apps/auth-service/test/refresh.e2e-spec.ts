import { randomBytes, randomUUID } from 'node:crypto';
import { PASSWORD, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { cookieHeader, decodeJwt, expectError, login, setCookies } from './expectations';

describe('POST /auth/refresh', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: unknown) =>
    t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken } as object);
  const sessionRow = async (id: string) =>
    (
      await t.dataSource.query(
        'SELECT generation, revoked_at, revoke_reason FROM sessions WHERE id = $1',
        [id],
      )
    )[0];

  it('rotates: a new access token and a new refresh token for the same session', async () => {
    const session = await signUpAndLogin(t);
    const res = await refresh(session.refreshToken).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      sessionId: session.sessionId,
      expiresIn: 900,
      user: session.user,
    });
    expect(res.body.refreshToken).toMatch(new RegExp(`^${session.sessionId}\\.1\\.`));
    expect(res.body.accessToken).not.toBe(session.accessToken);
    await t.http().get('/auth/me').set(bearer(res.body.accessToken)).expect(200);
    expect(await sessionRow(session.sessionId)).toMatchObject({ generation: 1, revoked_at: null });
  });

  it('counts refreshExpiresIn down from login: rotation does not extend the session', async () => {
    const session = await signUpAndLogin(t);
    t.clock.advance(3600);
    const res = await refresh(session.refreshToken).expect(200);
    expect(res.body.refreshExpiresIn).toBeLessThanOrEqual(session.refreshExpiresIn - 3600);
    expect(res.body.refreshExpiresIn).toBeGreaterThan(session.refreshExpiresIn - 3610);
  });

  it('answers the previous token within the grace window with the same new refresh token and a fresh access token', async () => {
    const session = await signUpAndLogin(t);
    const first = await refresh(session.refreshToken).expect(200);
    t.clock.advance(t.config.refreshReuseGrace - 1);
    const again = await refresh(session.refreshToken).expect(200);
    expect(again.body.refreshToken).toBe(first.body.refreshToken);
    expect(again.body.expiresIn).toBe(t.config.accessTokenTtl);
    expect(again.body.sessionId).toBe(session.sessionId);
    expect(decodeJwt(again.body.accessToken).payload).toMatchObject({
      sid: session.sessionId,
      sub: session.user.id,
    });
    await t.http().get('/auth/me').set(bearer(again.body.accessToken)).expect(200);
    // No new branch: the session rotated once, and the shared new token rotates on.
    expect(await sessionRow(session.sessionId)).toMatchObject({ generation: 1, revoked_at: null });
    await refresh(first.body.refreshToken).expect(200);
  });

  it('keeps nothing but the hash of the current secret: no column holds a token answer', async () => {
    const columns: { column_name: string }[] = await t.dataSource.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions'`,
    );
    expect(columns.map((c) => c.column_name)).not.toContain('grace_answer');
  });

  it("gives a replay an access token with the user's current role", async () => {
    const session = await signUpAndLogin(t);
    const first = await refresh(session.refreshToken).expect(200);
    await t.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [session.user.id]);
    const again = await refresh(session.refreshToken).expect(200);
    expect(again.body.refreshToken).toBe(first.body.refreshToken);
    expect(again.body.user.role).toBe('admin');
    expect(decodeJwt(again.body.accessToken).payload.role).toBe('admin');
  });

  it('revokes the whole session when a rotated token is reused after the grace window', async () => {
    const session = await signUpAndLogin(t);
    const rotated = await refresh(session.refreshToken).expect(200);
    t.clock.advance(t.config.refreshReuseGrace + 1);
    expectError(await refresh(session.refreshToken), 401, 'refresh_token_reused');
    expect(await sessionRow(session.sessionId)).toMatchObject({
      revoke_reason: 'reuse_detected',
      revoked_at: expect.any(Date),
    });
    // Every other token of the session is dead too: the newest refresh token and both access tokens.
    expectError(await refresh(rotated.body.refreshToken), 401, 'invalid_refresh_token');
    for (const accessToken of [session.accessToken, rotated.body.accessToken]) {
      const me = await t.http().get('/auth/me').set(bearer(accessToken));
      expectError(me, 401, 'session_revoked');
      expect(me.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
  });

  it('treats a token two rotations old as reuse, even inside the grace window', async () => {
    const session = await signUpAndLogin(t);
    const one = await refresh(session.refreshToken).expect(200);
    await refresh(one.body.refreshToken).expect(200);
    expectError(await refresh(session.refreshToken), 401, 'refresh_token_reused');
    expect(await sessionRow(session.sessionId)).toMatchObject({ revoke_reason: 'reuse_detected' });
  });

  it('answers a genuine token more rotations back than it checks as invalid, and leaves the session alone', async () => {
    const session = await signUpAndLogin(t);
    let current = session.refreshToken;
    const tokens = [current];
    for (let i = 0; i < 9; i += 1) {
      current = (await refresh(current).expect(200)).body.refreshToken;
      tokens.push(current);
    }
    expectError(await refresh(tokens[0]), 401, 'invalid_refresh_token');
    expect(await sessionRow(session.sessionId)).toMatchObject({ generation: 9, revoked_at: null });
    // One rotation less is still recognised: theft, and the session ends.
    expectError(await refresh(tokens[1]), 401, 'refresh_token_reused');
  });

  it('keeps other sessions of the user alive when one session is revoked for reuse', async () => {
    const session = await signUpAndLogin(t);
    const other = (await login(t, session.user.email).expect(200)).body;
    await refresh(session.refreshToken).expect(200);
    t.clock.advance(t.config.refreshReuseGrace + 1);
    expectError(await refresh(session.refreshToken), 401, 'refresh_token_reused');
    await refresh(other.refreshToken).expect(200);
  });

  it('refuses a token of the right format with a wrong secret, and leaves the session alone', async () => {
    const session = await signUpAndLogin(t);
    const forged = `${session.sessionId}.0.${randomBytes(32).toString('base64url')}`;
    expectError(await refresh(forged), 401, 'invalid_refresh_token');
    const forgedOlder = `${session.sessionId}.1.${randomBytes(32).toString('base64url')}`;
    expectError(await refresh(forgedOlder), 401, 'invalid_refresh_token');
    expect(await sessionRow(session.sessionId)).toMatchObject({ generation: 0, revoked_at: null });
    await refresh(session.refreshToken).expect(200);
    // Nor can a forged "older" token revoke the session once it has rotated.
    const forgedPrevious = `${session.sessionId}.0.${randomBytes(32).toString('base64url')}`;
    t.clock.advance(t.config.refreshReuseGrace + 1);
    expectError(await refresh(forgedPrevious), 401, 'invalid_refresh_token');
    expect(await sessionRow(session.sessionId)).toMatchObject({ revoked_at: null });
  });

  it('refuses a well-formed token for a session that does not exist', async () => {
    const token = `${randomUUID()}.0.${randomBytes(32).toString('base64url')}`;
    expectError(await refresh(token), 401, 'invalid_refresh_token');
  });

  it('refuses the refresh token of a logged-out session', async () => {
    const session = await signUpAndLogin(t);
    await t.http().post('/auth/logout').set(bearer(session.accessToken)).expect(204);
    expectError(await refresh(session.refreshToken), 401, 'invalid_refresh_token');
  });

  it('refuses the refresh token of a disabled user', async () => {
    const session = await signUpAndLogin(t);
    await t.dataSource.query('UPDATE users SET disabled_at = now() WHERE id = $1', [
      session.user.id,
    ]);
    expectError(await refresh(session.refreshToken), 401, 'invalid_refresh_token');
  });

  it.each([
    ['garbage', 'garbage'],
    ['an empty string', ''],
    ['a JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['an upper-case session id', `${randomUUID().toUpperCase()}.0.${'A'.repeat(43)}`],
    ['a null', null],
  ])('answers %s with 401 invalid_refresh_token', async (_label, token) => {
    expectError(await refresh(token), 401, 'invalid_refresh_token');
  });

  it.each([
    ['10 kB', 'a'.repeat(10 * 1024)],
    ['a number', 12345],
    ['an object', { token: 'x' }],
    ['an array', ['x']],
    ['a boolean', true],
  ])('answers a refresh token that is %s with 400 validation_failed', async (_label, token) => {
    expectError(await refresh(token), 400, 'validation_failed');
  });

  it('answers a request without body or cookie with 401 invalid_refresh_token', async () => {
    expectError(await t.http().post('/auth/refresh'), 401, 'invalid_refresh_token');
  });

  describe('in cookie mode', () => {
    async function cookieLogin() {
      const session = await signUpAndLogin(t);
      return login(t, session.user.email, PASSWORD, { 'x-auth-mode': 'cookie' }).expect(200);
    }

    it('rotates the refresh cookie and answers without tokens in the body', async () => {
      const loggedIn = await cookieLogin();
      const res = await t
        .http()
        .post('/auth/refresh')
        .set('cookie', cookieHeader(loggedIn, '__Secure-refresh_token'))
        .expect(200);
      expect(res.body.accessToken).toBeUndefined();
      expect(res.body.refreshToken).toBeUndefined();
      const cookies = setCookies(res);
      expect(cookies.get('__Secure-refresh_token')!.value).toMatch(/\.1\./);
      expect(cookies.get('__Secure-refresh_token')!.attributes).toContain('Path=/auth');
      await t
        .http()
        .get('/auth/me')
        .set('cookie', cookieHeader(res, '__Host-access_token'))
        .expect(200);
    });

    it('never answers the tokens of a cookie refresh in the body, even with refreshToken null', async () => {
      const loggedIn = await cookieLogin();
      const res = await t
        .http()
        .post('/auth/refresh')
        .set('cookie', cookieHeader(loggedIn, '__Secure-refresh_token'))
        .send({ refreshToken: null })
        .expect(200);
      expect(res.body.accessToken).toBeUndefined();
      expect(res.body.refreshToken).toBeUndefined();
      expect(setCookies(res).get('__Secure-refresh_token')!.value).toMatch(/\.1\./);
    });

    it('refuses a cookie refresh sent from another site with 403 csrf_rejected', async () => {
      const loggedIn = await cookieLogin();
      const res = await t
        .http()
        .post('/auth/refresh')
        .set('cookie', cookieHeader(loggedIn, '__Secure-refresh_token'))
        .set('origin', 'https://evil.example')
        .set('sec-fetch-site', 'cross-site');
      expectError(res, 403, 'csrf_rejected');
      expect(setCookies(res).size).toBe(0);
    });
  });
});
