import { bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { decodeJwt, expectError } from './expectations';
import { codeNow, enrolledUser } from './mfa-support';

const SELF = ['auth-service'];

describe('admin routes ask aal2 of an admin with a second factor (RFC 9470)', () => {
  let t: AuthTestApp;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };
  let adminToken: string;

  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    });
    adminToken = (
      await t
        .http()
        .post('/auth/login')
        .send({ ...admin, audience: 'auth-service' })
        .expect(200)
    ).body.accessToken;
  });
  afterAll(() => t.close());

  /** Every admin route, each answering 2xx to a token that may use it. */
  const adminRoutes = (userId: string) => [
    () => t.http().get('/auth/admin/users'),
    () => t.http().get(`/auth/admin/users/${userId}/sessions`),
    () => t.http().get('/auth/admin/events'),
    () => t.http().patch(`/auth/admin/users/${userId}`).send({ disabled: false }),
    () => t.http().delete(`/auth/admin/users/${userId}/sessions`),
  ];
  const selfLogin = async (email: string, password: string) =>
    (
      await t
        .http()
        .post('/auth/login')
        .send({ email, password, audience: 'auth-service' })
        .expect(200)
    ).body;

  it('refuses an enrolled admin at aal1 and admits the same session once stepped up', async () => {
    const { login: first, secret } = await enrolledUser(t);
    await t
      .http()
      .patch(`/auth/admin/users/${first.user.id}`)
      .set(bearer(adminToken))
      .send({ role: 'admin' })
      .expect(200);
    const target = await signUpAndLogin(t);
    const aal1 = await selfLogin(first.user.email, 'correct horse battery');
    expect(decodeJwt(aal1.accessToken).payload).toMatchObject({
      aud: SELF,
      role: 'admin',
      aal: 'aal1',
      mfa_enrolled: true,
    });
    for (const route of adminRoutes(target.user.id)) {
      const res = await route().set(bearer(aal1.accessToken));
      expectError(res, 401, 'insufficient_user_authentication');
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer error="insufficient_user_authentication", .*acr_values="aal2"$/,
      );
    }

    // The step-up keeps the token admin-only (aud auth-service), now at aal2.
    t.clock.advance(30);
    const lifted = (
      await t
        .http()
        .post('/auth/mfa/verify')
        .set(bearer(aal1.accessToken))
        .send({ code: codeNow(t, secret) })
        .expect(200)
    ).body;
    expect(decodeJwt(lifted.accessToken).payload).toMatchObject({ aud: SELF, aal: 'aal2' });
    for (const route of adminRoutes(target.user.id)) {
      const res = await route().set(bearer(lifted.accessToken));
      expect([200, 204]).toContain(res.status);
    }

    // A refresh for auth-service alone carries the session's aal2 on.
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: lifted.refreshToken, audience: 'auth-service' })
      .expect(200);
    await t.http().get('/auth/admin/users').set(bearer(refreshed.body.accessToken)).expect(200);
  });

  it('leaves an admin without a second factor as before: aal1 admin-only token admitted', async () => {
    const target = await signUpAndLogin(t);
    const token = (await selfLogin(admin.email, admin.password)).accessToken;
    expect(decodeJwt(token).payload).toMatchObject({ aal: 'aal1', mfa_enrolled: false });
    for (const route of adminRoutes(target.user.id)) {
      const res = await route().set(bearer(token));
      expect([200, 204]).toContain(res.status);
    }
  });

  it('still answers 403 forbidden to a non-admin, enrolled or not, whatever its aal', async () => {
    const { confirmed } = await enrolledUser(t);
    expectError(
      await t.http().get('/auth/admin/users').set(bearer(confirmed.accessToken)),
      403,
      'forbidden',
    );
  });
});
