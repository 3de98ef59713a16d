import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';
import { claimsOf, enrolledUser } from './mfa-support';
import { SoftAuthenticator } from './soft-authenticator';

const ORIGIN = 'http://localhost:8080';

describe('passkeys (docs/api.md "Multi-factor sign-in")', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_PUBLIC_URL: ORIGIN });
  });
  afterAll(() => t.close());

  /** A user with one registered passkey. */
  async function withPasskey() {
    const session = await signUpAndLogin(t);
    const authenticator = new SoftAuthenticator();
    const options = await t
      .http()
      .post('/auth/passkeys/register/options')
      .set(bearer(session.accessToken))
      .expect(200);
    const created = await t
      .http()
      .post('/auth/passkeys/register')
      .set(bearer(session.accessToken))
      .send({ response: authenticator.create(options.body, ORIGIN), name: 'Laptop' })
      .expect(201);
    return { session, authenticator, options: options.body, passkey: created.body };
  }

  async function signIn(authenticator: SoftAuthenticator, origin = ORIGIN) {
    const options = await t.http().post('/auth/passkeys/login/options').expect(200);
    const response = authenticator.get(options.body, origin);
    return { response, res: await t.http().post('/auth/passkeys/login').send({ response }) };
  }

  it('registers a passkey: creation options for this site, then 201 and listed', async () => {
    const { session, options, passkey } = await withPasskey();
    expect(options.rp).toEqual({ id: 'localhost', name: 'hybrid-auth' });
    expect(options.authenticatorSelection).toMatchObject({ userVerification: 'required' });
    expect(passkey).toMatchObject({ id: expect.any(String), name: 'Laptop' });
    const list = await t.http().get('/auth/passkeys').set(bearer(session.accessToken)).expect(200);
    expect(list.body).toEqual([
      { id: passkey.id, name: 'Laptop', createdAt: expect.any(String), lastUsedAt: null },
    ]);
  });

  it('signs in with the passkey alone: a new session at aal2 with amr webauthn', async () => {
    const { session, authenticator } = await withPasskey();
    const { res } = await signIn(authenticator);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(session.user.id);
    expect(res.body.sessionId).not.toBe(session.sessionId);
    expect(claimsOf(res.body.accessToken)).toMatchObject({
      sub: session.user.id,
      aal: 'aal2',
      amr: ['webauthn'],
    });
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: res.body.refreshToken })
      .expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ aal: 'aal2', amr: ['webauthn'] });
    // aal2 without TOTP: there is nothing to remove.
    expectError(
      await t.http().delete('/auth/mfa/totp').set(bearer(res.body.accessToken)),
      404,
      'not_found',
    );
  });

  it('refuses the same answer twice: the challenge is spent', async () => {
    const { authenticator } = await withPasskey();
    const { response, res } = await signIn(authenticator);
    expect(res.status).toBe(200);
    expectError(
      await t.http().post('/auth/passkeys/login').send({ response }),
      401,
      'invalid_credentials',
    );
  });

  it('refuses a passkey answer made for another origin', async () => {
    const { authenticator } = await withPasskey();
    expectError(
      (await signIn(authenticator, 'https://evil.example')).res,
      401,
      'invalid_credentials',
    );
    const session = await signUpAndLogin(t);
    const options = await t
      .http()
      .post('/auth/passkeys/register/options')
      .set(bearer(session.accessToken))
      .expect(200);
    expectError(
      await t
        .http()
        .post('/auth/passkeys/register')
        .set(bearer(session.accessToken))
        .send({ response: new SoftAuthenticator().create(options.body, 'https://evil.example') }),
      400,
      'validation_failed',
    );
  });

  it('refuses a cloned authenticator whose counter went backwards', async () => {
    const { authenticator } = await withPasskey();
    const clone = authenticator.clone();
    expect((await signIn(authenticator)).res.status).toBe(200);
    expectError((await signIn(clone)).res, 401, 'invalid_credentials');
  });

  it('refuses an expired challenge', async () => {
    const { authenticator } = await withPasskey();
    const options = await t.http().post('/auth/passkeys/login/options').expect(200);
    t.clock.advance(301);
    expectError(
      await t
        .http()
        .post('/auth/passkeys/login')
        .send({ response: authenticator.get(options.body, ORIGIN) }),
      401,
      'invalid_credentials',
    );
  });

  it('deletes a passkey: it no longer signs in; an unknown id is 404', async () => {
    const { session, authenticator, passkey } = await withPasskey();
    await t
      .http()
      .delete(`/auth/passkeys/${passkey.id}`)
      .set(bearer(session.accessToken))
      .expect(204);
    expectError((await signIn(authenticator)).res, 401, 'invalid_credentials');
    expectError(
      await t.http().delete(`/auth/passkeys/${passkey.id}`).set(bearer(session.accessToken)),
      404,
      'not_found',
    );
    expectError(
      await t.http().delete('/auth/passkeys/not-an-id').set(bearer(session.accessToken)),
      400,
      'validation_failed',
    );
    expectError(
      await t.http().post('/auth/passkeys/login').send({ response: 'nope' }),
      400,
      'validation_failed',
    );
  });

  it('asks an enrolled user for aal2 before adding or removing a passkey', async () => {
    const { login: first } = await enrolledUser(t);
    const aal1 = (await login(t, first.user.email).expect(200)).body;
    expectError(
      await t.http().post('/auth/passkeys/register/options').set(bearer(aal1.accessToken)),
      401,
      'insufficient_user_authentication',
    );
    await t.http().get('/auth/passkeys').set(bearer(aal1.accessToken)).expect(200);
  });
});

describe('passkey sign-in is throttled per client IP', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_PUBLIC_URL: ORIGIN, AUTH_PASSKEY_LOGIN_MAX_PER_IP: '2' });
  });
  afterAll(() => t.close());

  it('answers 429 rate_limited past the limit, before storing a challenge', async () => {
    await t.http().post('/auth/passkeys/login/options').expect(200);
    await t.http().post('/auth/passkeys/login/options').expect(200);
    const res = await t.http().post('/auth/passkeys/login/options');
    expectError(res, 429, 'rate_limited');
    const [{ count }] = await t.dataSource.query(
      'SELECT count(*)::int AS count FROM webauthn_challenges',
    );
    expect(count).toBe(2);
  });
});
