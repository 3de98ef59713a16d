import { PASSWORD, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';
import { claimsOf, codeNow, enrolledUser } from './mfa-support';

describe('TOTP: enrol, confirm, verify, remove (docs/api.md "Multi-factor sign-in")', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  const verify = (token: string, body: object) =>
    t.http().post('/auth/mfa/verify').set(bearer(token)).send(body);

  it('enrols with an RFC 6238 otpauth URL (SHA-1, 6 digits, 30 s) and keeps the seed sealed', async () => {
    const session = await signUpAndLogin(t);
    const res = await t
      .http()
      .post('/auth/mfa/totp/enroll')
      .set(bearer(session.accessToken))
      .expect(200);
    expect(res.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(res.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(res.body.secret);
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
    expect(res.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(res.body.qrCode.split(',')[1], 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const [row] = await t.dataSource.query('SELECT secret FROM mfa_totp WHERE user_id = $1', [
      session.user.id,
    ]);
    expect(row.secret).toMatch(/^aes256gcm:v1:/);
    expect(row.secret).not.toContain(res.body.secret);
  });

  it('confirms with a right code: ten recovery codes, stored as hashes, and aal2 tokens for the same session', async () => {
    const session = await signUpAndLogin(t);
    const enroll = await t
      .http()
      .post('/auth/mfa/totp/enroll')
      .set(bearer(session.accessToken))
      .expect(200);
    expectError(
      await t
        .http()
        .post('/auth/mfa/totp/confirm')
        .set(bearer(session.accessToken))
        .send({ code: codeNow(t, enroll.body.secret) === '000000' ? '111111' : '000000' }),
      401,
      'invalid_credentials',
    );
    const res = await t
      .http()
      .post('/auth/mfa/totp/confirm')
      .set(bearer(session.accessToken))
      .send({ code: codeNow(t, enroll.body.secret) })
      .expect(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    const status = await t.http().get('/auth/mfa').set(bearer(res.body.accessToken)).expect(200);
    expect(status.body).toEqual({ totpEnrolled: true, recoveryCodesLeft: 10, passkeys: 0 });
    expect(new Set(res.body.recoveryCodes).size).toBe(10);
    expect(res.body.sessionId).toBe(session.sessionId);
    expect(claimsOf(res.body.accessToken)).toMatchObject({
      sid: session.sessionId,
      aal: 'aal2',
      amr: ['pwd', 'otp'],
      mfa_enrolled: true,
    });
    const stored: { code_hash: Buffer }[] = await t.dataSource.query(
      'SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1',
      [session.user.id],
    );
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of res.body.recoveryCodes) expect(dump).not.toContain(code);
    // The token from before enrolment says "not enrolled": stale now.
    expectError(
      await t.http().get('/auth/me').set(bearer(session.accessToken)),
      401,
      'token_stale',
    );
    // The aal1 refresh token no longer refreshes; the new one does, at aal2.
    expectError(
      await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }),
      401,
      'invalid_refresh_token',
    );
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: res.body.refreshToken })
      .expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({
      aal: 'aal2',
      amr: ['pwd', 'otp'],
    });
  });

  it('signs an enrolled user in at aal1, refuses aal2 routes, and lifts the same session with a code', async () => {
    const { login: first, secret } = await enrolledUser(t);
    const res = await login(t, first.user.email).expect(200);
    const aal1 = res.body;
    expect(claimsOf(aal1.accessToken)).toMatchObject({
      aal: 'aal1',
      amr: ['pwd'],
      mfa_enrolled: true,
    });
    expect(typeof claimsOf(aal1.accessToken).auth_time).toBe('number');
    await t.http().get('/auth/me').set(bearer(aal1.accessToken)).expect(200);
    for (const attempt of [
      t.http().get('/auth/sessions'),
      t.http().delete(`/auth/sessions/${first.sessionId}`),
      t
        .http()
        .post('/auth/password')
        .send({ currentPassword: PASSWORD, newPassword: 'x'.repeat(12) }),
      t
        .http()
        .post('/auth/email/change')
        .send({ newEmail: 'n@example.com', currentPassword: PASSWORD }),
      t.http().post('/auth/mfa/totp/enroll'),
      t.http().delete('/auth/mfa/totp'),
    ]) {
      const refused = await attempt.set(bearer(aal1.accessToken));
      expectError(refused, 401, 'insufficient_user_authentication');
      expect(refused.headers['www-authenticate']).toMatch(
        /^Bearer error="insufficient_user_authentication".*acr_values="aal2"/,
      );
    }
    t.clock.advance(30);
    const lifted = await verify(aal1.accessToken, { code: codeNow(t, secret) }).expect(200);
    expect(lifted.body.sessionId).toBe(aal1.sessionId);
    expect(claimsOf(lifted.body.accessToken)).toMatchObject({
      sid: aal1.sessionId,
      aal: 'aal2',
      amr: ['pwd', 'otp'],
    });
    await t.http().get('/auth/sessions').set(bearer(lifted.body.accessToken)).expect(200);
    expectError(await t.http().get('/auth/me').set(bearer(aal1.accessToken)), 401, 'token_stale');
  });

  it('refuses a replayed code, even for another session of the same user', async () => {
    const { login: first, secret } = await enrolledUser(t);
    t.clock.advance(30);
    const a = (await login(t, first.user.email).expect(200)).body;
    const b = (await login(t, first.user.email).expect(200)).body;
    const code = codeNow(t, secret);
    await verify(a.accessToken, { code }).expect(200);
    expectError(await verify(b.accessToken, { code }), 401, 'invalid_credentials');
  });

  it('accepts a code once when two requests race with it', async () => {
    const { login: first, secret } = await enrolledUser(t);
    t.clock.advance(30);
    const sessions = await Promise.all(
      [0, 1, 2, 3].map(async () => (await login(t, first.user.email).expect(200)).body),
    );
    const code = codeNow(t, secret);
    const answers = await Promise.all(sessions.map((s) => verify(s.accessToken, { code })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
  });

  it('refuses a code replayed on another replica of auth-service', async () => {
    const other = await startAuthApp({}, { db: t.db, clock: t.clock });
    try {
      const { login: first, secret } = await enrolledUser(t);
      t.clock.advance(30);
      const a = (await login(t, first.user.email).expect(200)).body;
      const b = (await login(other, first.user.email).expect(200)).body;
      const code = codeNow(t, secret);
      const [here, there] = await Promise.all([
        verify(a.accessToken, { code }),
        other.http().post('/auth/mfa/verify').set(bearer(b.accessToken)).send({ code }),
      ]);
      expect([here.status, there.status].sort()).toEqual([200, 401]);
    } finally {
      await other.close({ keepDatabase: true });
    }
  });

  it('accepts a recovery code once, with amr recovery', async () => {
    const { login: first, confirmed } = await enrolledUser(t);
    const a = (await login(t, first.user.email).expect(200)).body;
    const b = (await login(t, first.user.email).expect(200)).body;
    const recoveryCode = confirmed.recoveryCodes[3].toUpperCase();
    const lifted = await verify(a.accessToken, { recoveryCode }).expect(200);
    expect(claimsOf(lifted.body.accessToken)).toMatchObject({
      aal: 'aal2',
      amr: ['pwd', 'recovery'],
    });
    expectError(await verify(b.accessToken, { recoveryCode }), 401, 'invalid_credentials');
  });

  it('answers 400 to a second enrolment and 404 to a confirmation with nothing pending; removal needs aal2', async () => {
    const { confirmed } = await enrolledUser(t);
    const enrolAgain = await t
      .http()
      .post('/auth/mfa/totp/enroll')
      .set(bearer(confirmed.accessToken));
    expectError(enrolAgain, 400, 'validation_failed');
    const fresh = await signUpAndLogin(t);
    expectError(
      await t
        .http()
        .post('/auth/mfa/totp/confirm')
        .set(bearer(fresh.accessToken))
        .send({ code: '123456' }),
      404,
      'not_found',
    );
    expectError(
      await t.http().post('/auth/mfa/totp/confirm').set(bearer(fresh.accessToken)).send({}),
      400,
      'validation_failed',
    );
    // Removing needs aal2 whatever the enrolment: a fresh password-only token cannot.
    expectError(
      await t.http().delete('/auth/mfa/totp').set(bearer(fresh.accessToken)),
      401,
      'insufficient_user_authentication',
    );
    await t.http().delete('/auth/mfa/totp').set(bearer(confirmed.accessToken)).expect(204);
    expectError(
      await t
        .http()
        .delete('/auth/mfa/totp')
        .set(bearer((await login(t, confirmed.user.email).expect(200)).body.accessToken)),
      401,
      'insufficient_user_authentication',
    );
  });

  it('refuses a code from a user without TOTP', async () => {
    const session = await signUpAndLogin(t);
    expectError(await verify(session.accessToken, { code: '123456' }), 401, 'invalid_credentials');
    expectError(await verify(session.accessToken, {}), 400, 'validation_failed');
    const both = { code: '123456', recoveryCode: 'aaaaa-bbbbb-ccccc-ddddd' };
    expectError(await verify(session.accessToken, both), 400, 'validation_failed');
  });

  it('removes TOTP with an aal2 token: later sign-ins are not enrolled', async () => {
    const { login: first, confirmed } = await enrolledUser(t);
    await t.http().delete('/auth/mfa/totp').set(bearer(confirmed.accessToken)).expect(204);
    const again = (await login(t, first.user.email).expect(200)).body;
    expect(claimsOf(again.accessToken)).toMatchObject({ aal: 'aal1', mfa_enrolled: false });
    await t.http().get('/auth/sessions').set(bearer(again.accessToken)).expect(200);
    const [{ count }] = await t.dataSource.query(
      'SELECT count(*)::int AS count FROM mfa_recovery_codes WHERE user_id = $1',
      [first.user.id],
    );
    expect(count).toBe(0);
  });
});

describe('TOTP: wrong codes are throttled like passwords', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 rate_limited once a user is over the limit, even for a right code', async () => {
    const { login: first, secret } = await enrolledUser(t);
    const aal1 = (await login(t, first.user.email).expect(200)).body;
    const right = codeNow(t, secret);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 3; i += 1) {
      expectError(
        await t.http().post('/auth/mfa/verify').set(bearer(aal1.accessToken)).send({ code: wrong }),
        401,
        'invalid_credentials',
      );
    }
    const limited = await t
      .http()
      .post('/auth/mfa/verify')
      .set(bearer(aal1.accessToken))
      .send({ code: right });
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
