import crypto from 'node:crypto';
import { PASSWORD, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { cookieHeader, expectError, login, setCookies } from './expectations';

describe('POST /auth/logout', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  const isLive = async (sessionId: string) => {
    const [row] = await t.dataSource.query('SELECT revoked_at FROM sessions WHERE id = $1', [
      sessionId,
    ]);
    return row.revoked_at === null;
  };

  /** Both cookies expire at once, with the path they were set with. */
  function expectClearedCookies(res: Awaited<ReturnType<typeof login>>): void {
    const cookies = setCookies(res);
    expect(cookies.get('__Host-access_token')).toEqual({
      value: '',
      attributes: expect.arrayContaining(['Path=/', 'Max-Age=0']),
    });
    expect(cookies.get('__Secure-refresh_token')).toEqual({
      value: '',
      attributes: expect.arrayContaining(['Path=/auth', 'Max-Age=0']),
    });
  }

  it('ends the session of the access token with 204 and clears the cookies', async () => {
    const session = await signUpAndLogin(t);
    const res = await t.http().post('/auth/logout').set(bearer(session.accessToken)).expect(204);
    expect(res.text).toBe('');
    expectClearedCookies(res);
    expect(await isLive(session.sessionId)).toBe(false);
    expectError(
      await t.http().get('/auth/me').set(bearer(session.accessToken)),
      401,
      'session_revoked',
    );
    expectError(
      await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }),
      401,
      'invalid_refresh_token',
    );
  });

  it('ends the session of a refresh token given in the body', async () => {
    const session = await signUpAndLogin(t);
    await t.http().post('/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    expect(await isLive(session.sessionId)).toBe(false);
  });

  it('ends the session of the refresh cookie, and clears both cookies', async () => {
    const session = await signUpAndLogin(t);
    const loggedIn = await login(t, session.user.email, PASSWORD, {
      'x-auth-mode': 'cookie',
    }).expect(200);
    const res = await t
      .http()
      .post('/auth/logout')
      .set('cookie', cookieHeader(loggedIn, '__Secure-refresh_token'))
      .expect(204);
    expectClearedCookies(res);
    expect(await isLive(loggedIn.body.sessionId)).toBe(false);
    expect(await isLive(session.sessionId)).toBe(true);
  });

  it('ends the session with an expired access token plus the refresh token', async () => {
    const session = await signUpAndLogin(t);
    t.clock.advance(t.config.accessTokenTtl + t.config.clockLeewaySeconds + 1);
    await t
      .http()
      .post('/auth/logout')
      .set(bearer(session.accessToken))
      .send({ refreshToken: session.refreshToken })
      .expect(204);
    expect(await isLive(session.sessionId)).toBe(false);
  });

  it('is idempotent: logging out again, or with nothing, still answers 204', async () => {
    const session = await signUpAndLogin(t);
    await t.http().post('/auth/logout').set(bearer(session.accessToken)).expect(204);
    await t.http().post('/auth/logout').set(bearer(session.accessToken)).expect(204);
    await t.http().post('/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await t.http().post('/auth/logout').expect(204);
    const [{ count }] = await t.dataSource.query(
      'SELECT count(*)::int AS count FROM revocation_events WHERE session_id = $1',
      [session.sessionId],
    );
    expect(count).toBe(1);
  });

  it('does nothing for a forged refresh token, and answers 204', async () => {
    const session = await signUpAndLogin(t);
    const forged = session.refreshToken.replace(/\.0\..*$/, `.0.${'A'.repeat(43)}`);
    await t.http().post('/auth/logout').send({ refreshToken: forged }).expect(204);
    expect(await isLive(session.sessionId)).toBe(true);
  });

  it('does not walk the refresh-token chain of a session that has already ended', async () => {
    const session = await signUpAndLogin(t);
    let current = session.refreshToken;
    for (let i = 0; i < 3; i += 1) {
      current = (await t.http().post('/auth/refresh').send({ refreshToken: current }).expect(200))
        .body.refreshToken;
    }
    await t.http().post('/auth/logout').send({ refreshToken: current }).expect(204);
    const hmac = jest.spyOn(crypto, 'createHmac');
    try {
      await t.http().post('/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
      expect(hmac).not.toHaveBeenCalled();
    } finally {
      hmac.mockRestore();
    }
  });

  it('answers 400 validation_failed for a non-string refresh token', async () => {
    expectError(
      await t.http().post('/auth/logout').send({ refreshToken: 42 }),
      400,
      'validation_failed',
    );
  });
});

describe('POST /auth/logout-all', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  async function threeSessions() {
    const first = await signUpAndLogin(t);
    const second = (await login(t, first.user.email).expect(200)).body;
    const third = (await login(t, first.user.email).expect(200)).body;
    const bystander = await signUpAndLogin(t);
    return { first, second, third, bystander };
  }
  const me = (accessToken: string) => t.http().get('/auth/me').set(bearer(accessToken));

  it('with scope all ends every session of the caller, including the current one', async () => {
    const { first, second, third, bystander } = await threeSessions();
    const res = await t
      .http()
      .post('/auth/logout-all')
      .set(bearer(second.accessToken))
      .send({ scope: 'all' })
      .expect(204);
    expect(setCookies(res).get('__Secure-refresh_token')?.value).toBe('');
    for (const s of [first, second, third])
      expectError(await me(s.accessToken), 401, 'session_revoked');
    await me(bystander.accessToken).expect(200);
  });

  it('with scope others keeps the current session and ends the rest', async () => {
    const { first, second, third } = await threeSessions();
    const res = await t
      .http()
      .post('/auth/logout-all')
      .set(bearer(second.accessToken))
      .send({ scope: 'others' })
      .expect(204);
    expect(setCookies(res).size).toBe(0);
    await me(second.accessToken).expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200);
    for (const s of [first, third]) expectError(await me(s.accessToken), 401, 'session_revoked');
  });

  it('defaults to scope all without a body', async () => {
    const { first, second } = await threeSessions();
    await t.http().post('/auth/logout-all').set(bearer(first.accessToken)).expect(204);
    expectError(await me(second.accessToken), 401, 'session_revoked');
  });

  it('answers 400 validation_failed for an unknown scope', async () => {
    const session = await signUpAndLogin(t);
    expectError(
      await t
        .http()
        .post('/auth/logout-all')
        .set(bearer(session.accessToken))
        .send({ scope: 'everyone' }),
      400,
      'validation_failed',
    );
    await me(session.accessToken).expect(200);
  });

  it('answers 401 missing_token without an access token', async () => {
    expectError(
      await t.http().post('/auth/logout-all').send({ scope: 'all' }),
      401,
      'missing_token',
    );
  });

  it('answers 401 session_revoked once the session has already ended', async () => {
    const session = await signUpAndLogin(t);
    await t.http().post('/auth/logout').set(bearer(session.accessToken)).expect(204);
    expectError(
      await t.http().post('/auth/logout-all').set(bearer(session.accessToken)).send({}),
      401,
      'session_revoked',
    );
  });
});
