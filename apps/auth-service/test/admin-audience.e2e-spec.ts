import { bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { decodeJwt, expectError } from './expectations';

const SELF = ['auth-service'];
const ORDINARY = ['catalog-service', 'orders-service', 'billing-service', 'auth-service'];

describe('admin routes take only a token for auth-service alone (aud ["auth-service"])', () => {
  let t: AuthTestApp;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };

  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    });
  });
  afterAll(() => t.close());

  const patch = (token: string, id: string) =>
    t.http().patch(`/auth/admin/users/${id}`).set(bearer(token)).send({ role: 'user' });

  it('refuses an admin ordinary token, as a replaying downstream service would present it, with 401 invalid_token', async () => {
    const target = await signUpAndLogin(t);
    const ordinary = (await t.http().post('/auth/login').send(admin).expect(200)).body;
    expect(decodeJwt(ordinary.accessToken).payload.aud).toEqual(ORDINARY);
    const res = await patch(ordinary.accessToken, target.user.id);
    expectError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body.message).toContain('"audience": "auth-service"');
  });

  it('gives an admin-only token on login with audience "auth-service", and it changes users', async () => {
    const target = await signUpAndLogin(t);
    const res = await t
      .http()
      .post('/auth/login')
      .send({ ...admin, audience: 'auth-service' })
      .expect(200);
    expect(decodeJwt(res.body.accessToken).payload.aud).toEqual(SELF);
    await patch(res.body.accessToken, target.user.id).expect(200);
  });

  it('gives an admin-only token on refresh with audience "auth-service": same session, rotation as usual', async () => {
    const target = await signUpAndLogin(t);
    const ordinary = (await t.http().post('/auth/login').send(admin).expect(200)).body;
    const selfOnly = (
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: ordinary.refreshToken, audience: 'auth-service' })
        .expect(200)
    ).body;
    expect(decodeJwt(selfOnly.accessToken).payload).toMatchObject({
      aud: SELF,
      sid: ordinary.sessionId,
    });
    expect(selfOnly.sessionId).toBe(ordinary.sessionId);
    expect(selfOnly.refreshToken).not.toBe(ordinary.refreshToken);
    await patch(selfOnly.accessToken, target.user.id).expect(200);
    // The next refresh, without audience, is an ordinary token again.
    const next = (
      await t.http().post('/auth/refresh').send({ refreshToken: selfOnly.refreshToken }).expect(200)
    ).body;
    expect(decodeJwt(next.accessToken).payload.aud).toEqual(ORDINARY);
  });

  it('lets both kinds of token use the ordinary routes of auth-service', async () => {
    const s = await signUpAndLogin(t);
    const selfOnly = (
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: s.refreshToken, audience: 'auth-service' })
        .expect(200)
    ).body;
    for (const token of [s.accessToken, selfOnly.accessToken]) {
      await t.http().get('/auth/me').set(bearer(token)).expect(200);
      await t.http().get('/auth/sessions').set(bearer(token)).expect(200);
    }
  });

  it.each([['catalog-service'], [''], [['auth-service']]])(
    'refuses audience %j with 400 validation_failed',
    async (audience) => {
      const res = await t
        .http()
        .post('/auth/login')
        .send({ ...admin, audience });
      expectError(res, 400, 'validation_failed');
    },
  );
});
