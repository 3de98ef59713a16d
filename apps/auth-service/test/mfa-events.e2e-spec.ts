import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';
import { codeNow, enrolledUser } from './mfa-support';
import { SoftAuthenticator } from './soft-authenticator';

const ORIGIN = 'http://localhost:8080';

interface StoredEvent {
  type: string;
  session_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

describe('auth_events of multi-factor sign-in: TOTP, step-up, recovery codes, passkeys', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_PUBLIC_URL: ORIGIN });
  });
  afterAll(() => t.close());

  const eventsOf = (userId: string): Promise<StoredEvent[]> =>
    t.dataSource.query(
      'SELECT type, session_id, ip, details FROM auth_events WHERE user_id = $1 ORDER BY id',
      [userId],
    );
  const verify = (token: string, body: object) =>
    t.http().post('/auth/mfa/verify').set(bearer(token)).send(body);

  it('records enrolment, step-ups, refused and replayed codes, a recovery code and removal, in order', async () => {
    const { login: first, secret, confirmed } = await enrolledUser(t);
    t.clock.advance(30);
    const a = (await login(t, first.user.email).expect(200)).body;
    const code = codeNow(t, secret);
    const wrong = code === '000000' ? '000001' : '000000';
    expectError(await verify(a.accessToken, { code: wrong }), 401, 'invalid_credentials');
    const lifted = (await verify(a.accessToken, { code }).expect(200)).body;
    const b = (await login(t, first.user.email).expect(200)).body;
    expectError(await verify(b.accessToken, { code }), 401, 'invalid_credentials');
    const badRecovery = { recoveryCode: 'aaaaa-bbbbb-ccccc-ddddd' };
    expectError(await verify(b.accessToken, badRecovery), 401, 'invalid_credentials');
    await verify(b.accessToken, { recoveryCode: confirmed.recoveryCodes[0] }).expect(200);
    await t.http().delete('/auth/mfa/totp').set(bearer(lifted.accessToken)).expect(204);

    const events = await eventsOf(first.user.id);
    expect(events.map((e) => [e.type, e.session_id, e.details])).toEqual([
      ['user_registered', null, {}],
      ['login_succeeded', first.sessionId, {}],
      ['mfa_enrolled', first.sessionId, { method: 'totp' }],
      ['login_succeeded', a.sessionId, {}],
      ['login_failed', a.sessionId, { reason: 'wrong_code', method: 'otp' }],
      ['mfa_verified', a.sessionId, { method: 'otp' }],
      ['login_succeeded', b.sessionId, {}],
      ['login_failed', b.sessionId, { reason: 'code_reused', method: 'otp' }],
      ['login_failed', b.sessionId, { reason: 'wrong_recovery_code', method: 'recovery' }],
      ['mfa_recovery_code_used', b.sessionId, { remaining: 9 }],
      ['mfa_verified', b.sessionId, { method: 'recovery' }],
      ['mfa_disabled', a.sessionId, { method: 'totp' }],
    ]);
    expect(events.every((e) => e.ip === t.clientIp)).toBe(true);
    // No code, recovery code or seed is kept in the trail.
    const dump = JSON.stringify(events);
    for (const kept of [
      code,
      wrong,
      secret,
      badRecovery.recoveryCode,
      ...confirmed.recoveryCodes,
    ]) {
      expect(dump).not.toContain(kept);
    }
  });

  it('records a code sent by a user without TOTP as a refused step-up', async () => {
    const session = await signUpAndLogin(t);
    expectError(await verify(session.accessToken, { code: '123456' }), 401, 'invalid_credentials');
    const events = await eventsOf(session.user.id);
    expect(events.at(-1)).toMatchObject({
      type: 'login_failed',
      details: { reason: 'not_enrolled', method: 'otp' },
    });
  });

  it('records passkeys added and removed, and a passkey sign-in as login_succeeded with its session', async () => {
    const session = await signUpAndLogin(t);
    const authenticator = new SoftAuthenticator();
    const options = await t
      .http()
      .post('/auth/passkeys/register/options')
      .set(bearer(session.accessToken))
      .expect(200);
    const passkey = (
      await t
        .http()
        .post('/auth/passkeys/register')
        .set(bearer(session.accessToken))
        .send({ response: authenticator.create(options.body, ORIGIN), name: 'My laptop' })
        .expect(201)
    ).body;
    const loginOptions = await t.http().post('/auth/passkeys/login/options').expect(200);
    const signedIn = (
      await t
        .http()
        .post('/auth/passkeys/login')
        .set('user-agent', 'PasskeyTest/1.0')
        .send({ response: authenticator.get(loginOptions.body, ORIGIN) })
        .expect(200)
    ).body;
    await t
      .http()
      .delete(`/auth/passkeys/${passkey.id}`)
      .set(bearer(signedIn.accessToken))
      .expect(204);

    const events = await eventsOf(session.user.id);
    expect(events.slice(-3)).toEqual([
      expect.objectContaining({
        type: 'passkey_added',
        session_id: session.sessionId,
        details: { passkeyId: passkey.id },
      }),
      expect.objectContaining({
        type: 'login_succeeded',
        session_id: signedIn.sessionId,
        ip: t.clientIp,
        details: { method: 'webauthn' },
      }),
      expect.objectContaining({
        type: 'passkey_removed',
        session_id: signedIn.sessionId,
        details: { passkeyId: passkey.id },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain('My laptop');

    // The user's own list shows how they signed in, not the passkey's id.
    const own = await t.http().get('/auth/events').set(bearer(signedIn.accessToken)).expect(200);
    expect(own.body.items.slice(0, 3)).toEqual([
      expect.objectContaining({ type: 'passkey_removed', details: {} }),
      expect.objectContaining({
        type: 'login_succeeded',
        userAgent: 'PasskeyTest/1.0',
        details: { method: 'webauthn' },
      }),
      expect.objectContaining({ type: 'passkey_added', details: {} }),
    ]);
  });

  it('records refused passkey sign-ins: a replayed answer, a copied authenticator, an unknown passkey', async () => {
    const session = await signUpAndLogin(t);
    const authenticator = new SoftAuthenticator();
    const options = await t
      .http()
      .post('/auth/passkeys/register/options')
      .set(bearer(session.accessToken))
      .expect(200);
    const passkey = (
      await t
        .http()
        .post('/auth/passkeys/register')
        .set(bearer(session.accessToken))
        .send({ response: authenticator.create(options.body, ORIGIN) })
        .expect(201)
    ).body;
    const signIn = async (device: SoftAuthenticator) => {
      const request = await t.http().post('/auth/passkeys/login/options').expect(200);
      const response = device.get(request.body, ORIGIN);
      return { response, res: await t.http().post('/auth/passkeys/login').send({ response }) };
    };
    const clone = authenticator.clone();
    const first = await signIn(authenticator);
    expect(first.res.status).toBe(200);
    await t.http().post('/auth/passkeys/login').send({ response: first.response }).expect(401);
    expect((await signIn(clone)).res.status).toBe(401);
    expect((await signIn(new SoftAuthenticator())).res.status).toBe(401);

    const failed = (reason: string) => ({ reason, method: 'webauthn', passkeyId: passkey.id });
    const events = await eventsOf(session.user.id);
    expect(events.slice(-3).map((e) => [e.type, e.details])).toEqual([
      ['login_succeeded', { method: 'webauthn' }],
      ['login_failed', failed('passkey_not_verified')],
      ['login_failed', failed('passkey_counter')],
    ]);
    const [unknown] = await t.dataSource.query(
      `SELECT user_id, ip, details FROM auth_events WHERE type = 'login_failed'
       ORDER BY id DESC LIMIT 1`,
    );
    expect(unknown).toEqual({
      user_id: null,
      ip: t.clientIp,
      details: { reason: 'unknown_passkey', method: 'webauthn' },
    });
  });

  it('shows users their own step-ups, refusals and recovery codes left', async () => {
    const { login: first, confirmed } = await enrolledUser(t);
    const a = (await login(t, first.user.email).expect(200)).body;
    await verify(a.accessToken, { recoveryCode: 'aaaaa-bbbbb-ccccc-ddddd' }).expect(401);
    const lifted = (
      await verify(a.accessToken, { recoveryCode: confirmed.recoveryCodes[5] }).expect(200)
    ).body;
    const own = await t.http().get('/auth/events').set(bearer(lifted.accessToken)).expect(200);
    expect(own.body.items.slice(0, 4).map((e: StoredEvent) => [e.type, e.details])).toEqual([
      ['mfa_verified', { method: 'recovery' }],
      ['mfa_recovery_code_used', { remaining: 9 }],
      ['login_failed', { reason: 'wrong_recovery_code', method: 'recovery' }],
      ['login_succeeded', {}],
    ]);
  });
});
