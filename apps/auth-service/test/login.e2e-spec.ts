import argon2 from '@node-rs/argon2';
import { createHash } from 'node:crypto';
import { PasswordHasher } from '../src/users/password-hasher';
import { PASSWORD, bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { UUID, cookieHeader, expectError, login, setCookies } from './expectations';

const REFRESH_TOKEN = /^([0-9a-f-]{36})\.0\.([A-Za-z0-9_-]{43})$/;

describe('POST /auth/login', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  async function registered(): Promise<string> {
    const email = uniqueEmail();
    await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    return email;
  }

  it('answers the token response, never cached', async () => {
    const email = await registered();
    const res = await login(t, email).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      tokenType: 'Bearer',
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresIn: 900,
      refreshToken: expect.stringMatching(REFRESH_TOKEN),
      refreshExpiresIn: 2_592_000,
      sessionId: expect.stringMatching(UUID),
      user: { id: expect.stringMatching(UUID), email, role: 'user', emailVerified: false },
    });
    expect(res.body.refreshToken.startsWith(`${res.body.sessionId}.`)).toBe(true);
  });

  it('keeps only a SHA-256 of the refresh token secret (256 random bits) in the database', async () => {
    const session = await signUpAndLogin(t);
    const [, , secret] = REFRESH_TOKEN.exec(session.refreshToken)!;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const [row] = await t.dataSource.query('SELECT * FROM sessions WHERE id = $1', [
      session.sessionId,
    ]);
    expect(row.token_hash).toEqual(createHash('sha256').update(secret).digest());
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('starts a new, independent session on every login', async () => {
    const email = await registered();
    const first = (await login(t, email).expect(200)).body;
    const second = (await login(t, email).expect(200)).body;
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // Ending one leaves the other working, for both access and refresh.
    await t.http().post('/auth/logout').set(bearer(first.accessToken)).expect(204);
    await t.http().get('/auth/me').set(bearer(second.accessToken)).expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200);
    expectError(
      await t.http().post('/auth/refresh').send({ refreshToken: first.refreshToken }),
      401,
      'invalid_refresh_token',
    );
  });

  it('records the user agent and client address of the session', async () => {
    const email = await registered();
    const res = await login(t, email, PASSWORD, { 'user-agent': 'test-agent/1.0' }).expect(200);
    const [row] = await t.dataSource.query('SELECT user_agent, ip FROM sessions WHERE id = $1', [
      res.body.sessionId,
    ]);
    expect(row).toEqual({ user_agent: 'test-agent/1.0', ip: t.clientIp });
  });

  it('answers an unknown email and a wrong password identically: 401 invalid_credentials', async () => {
    const email = await registered();
    const wrong = await login(t, email, 'wrong password');
    const unknown = await login(t, uniqueEmail('nobody'), 'wrong password');
    expectError(wrong, 401, 'invalid_credentials');
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    expect(unknown.headers['set-cookie']).toBeUndefined();
  });

  it('still runs an argon2 verification, against a dummy hash, for an unknown email', async () => {
    const hasher = jest.spyOn(t.app.get(PasswordHasher), 'verify');
    const argon2Verify = jest.spyOn(argon2, 'verify');
    expectError(await login(t, uniqueEmail('nobody'), 'some password'), 401, 'invalid_credentials');
    expect(hasher).toHaveBeenCalledWith(undefined, 'some password');
    expect(argon2Verify).toHaveBeenCalledTimes(1);
    const [hash, password] = argon2Verify.mock.calls[0];
    expect(password).toBe('some password');
    // A real argon2id hash with the same cost as users' hashes, so the work is the same.
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(argon2Verify.mock.results[0].value).resolves.toBe(false);
  });

  it('runs the same argon2 verification for a wrong password', async () => {
    const email = await registered();
    const argon2Verify = jest.spyOn(argon2, 'verify');
    expectError(await login(t, email, 'wrong password'), 401, 'invalid_credentials');
    expect(argon2Verify).toHaveBeenCalledTimes(1);
    expect(argon2Verify.mock.calls[0][0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers a disabled account like a wrong password', async () => {
    const email = await registered();
    await t.dataSource.query('UPDATE users SET disabled_at = now() WHERE email = $1', [email]);
    expectError(await login(t, email), 401, 'invalid_credentials');
  });

  it.each([
    ['a missing password', { email: 'a@example.com' }],
    ['a non-string email', { email: ['a@example.com'], password: PASSWORD }],
    ['an unknown field', { email: 'a@example.com', password: PASSWORD, remember: true }],
  ])('rejects %s with 400 validation_failed', async (_label, body) => {
    expectError(await t.http().post('/auth/login').send(body), 400, 'validation_failed');
  });

  describe('with X-Auth-Mode: cookie', () => {
    it('sets both tokens as HttpOnly, Secure cookies and leaves them out of the body', async () => {
      const email = await registered();
      const res = await login(t, email, PASSWORD, { 'x-auth-mode': 'cookie' }).expect(200);
      expect(res.body.accessToken).toBeUndefined();
      expect(res.body.refreshToken).toBeUndefined();
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email } });
      const cookies = setCookies(res);
      expect(cookies.get('__Host-access_token')!.attributes).toEqual(
        expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax', 'Max-Age=900']),
      );
      expect(cookies.get('__Secure-refresh_token')!.attributes).toEqual(
        expect.arrayContaining(['Path=/auth', 'HttpOnly', 'Secure', 'SameSite=Strict']),
      );
      expect(cookies.get('__Secure-refresh_token')!.value).toMatch(REFRESH_TOKEN);
    });

    it('authenticates later requests with the access cookie alone', async () => {
      const email = await registered();
      const res = await login(t, email, PASSWORD, { 'x-auth-mode': 'cookie' }).expect(200);
      const me = await t
        .http()
        .get('/auth/me')
        .set('cookie', cookieHeader(res, '__Host-access_token'))
        .expect(200);
      expect(me.body.email).toBe(email);
    });

    it('names the cookies __Host- and __Secure-, and ignores bare ones a sibling subdomain could plant', async () => {
      const email = await registered();
      const res = await login(t, email, PASSWORD, { 'x-auth-mode': 'cookie' }).expect(200);
      const cookies = setCookies(res);
      expect([...cookies.keys()].sort()).toEqual(['__Host-access_token', '__Secure-refresh_token']);
      // __Host- demands Path=/ and no Domain; both prefixes demand Secure.
      expect(cookies.get('__Host-access_token')!.attributes.join(';')).not.toMatch(/Domain=/i);
      const access = cookies.get('__Host-access_token')!.value;
      const refresh = cookies.get('__Secure-refresh_token')!.value;
      const planted = await t.http().get('/auth/me').set('cookie', `access_token=${access}`);
      expectError(planted, 401, 'missing_token');
      const plantedRefresh = await t
        .http()
        .post('/auth/refresh')
        .set('cookie', `refresh_token=${refresh}`);
      expectError(plantedRefresh, 401, 'invalid_refresh_token');
    });
  });
});

describe('POST /auth/login with AUTH_COOKIE_SECURE=false', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_COOKIE_SECURE: 'false' });
  });
  afterAll(() => t.close());

  it('sets cookies without the Secure attribute, for plain-http development', async () => {
    const session = await signUpAndLogin(t);
    const res = await login(t, session.user.email, PASSWORD, { 'x-auth-mode': 'cookie' }).expect(
      200,
    );
    const cookies = setCookies(res);
    expect([...cookies.keys()].sort()).toEqual(['access_token', 'refresh_token']);
    for (const cookie of cookies.values()) {
      expect(cookie.attributes).toContain('HttpOnly');
      expect(cookie.attributes).not.toContain('Secure');
    }
  });
});
