import { PASSWORD, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';

const NEW_PASSWORD = 'a brand new password';

describe('POST /auth/password', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  const change = (accessToken: string, body: object) =>
    t.http().post('/auth/password').set(bearer(accessToken)).send(body);

  it('changes the password: 204, the new one logs in, the old one no longer does', async () => {
    const session = await signUpAndLogin(t);
    await change(session.accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    }).expect(204);
    expectError(await login(t, session.user.email), 401, 'invalid_credentials');
    await login(t, session.user.email, NEW_PASSWORD).expect(200);
  });

  it('ends every other session, while the current one keeps working', async () => {
    const current = await signUpAndLogin(t);
    const other = (await login(t, current.user.email).expect(200)).body;
    await change(current.accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    }).expect(204);
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
    await t.http().get('/auth/me').set(bearer(current.accessToken)).expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: current.refreshToken }).expect(200);
    const [row] = await t.dataSource.query('SELECT revoke_reason FROM sessions WHERE id = $1', [
      other.sessionId,
    ]);
    expect(row.revoke_reason).toBe('password_changed');
  });

  it('answers 401 invalid_credentials for a wrong current password and changes nothing', async () => {
    const current = await signUpAndLogin(t);
    const other = (await login(t, current.user.email).expect(200)).body;
    const res = await change(current.accessToken, {
      currentPassword: 'not my password',
      newPassword: NEW_PASSWORD,
    });
    expectError(res, 401, 'invalid_credentials');
    await login(t, current.user.email).expect(200);
    await t.http().get('/auth/me').set(bearer(other.accessToken)).expect(200);
    await t.http().get('/auth/me').set(bearer(current.accessToken)).expect(200);
  });

  it.each([
    ['a new password of 7 characters', { currentPassword: PASSWORD, newPassword: 'x'.repeat(7) }],
    [
      'a new password of 129 characters',
      { currentPassword: PASSWORD, newPassword: 'x'.repeat(129) },
    ],
    ['a missing current password', { newPassword: NEW_PASSWORD }],
    ['an unknown field', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, email: 'x@y.z' }],
  ])('answers 400 validation_failed for %s', async (_label, body) => {
    const session = await signUpAndLogin(t);
    expectError(await change(session.accessToken, body), 400, 'validation_failed');
    await login(t, session.user.email).expect(200);
  });

  it('answers 401 missing_token without an access token', async () => {
    expectError(
      await t
        .http()
        .post('/auth/password')
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
      401,
      'missing_token',
    );
  });
});
