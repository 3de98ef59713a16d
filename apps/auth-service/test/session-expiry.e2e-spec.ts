import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';

describe('POST /auth/refresh with an expired session', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_REFRESH_TOKEN_TTL: '120' });
  });
  afterAll(() => t.close());

  it('refuses the refresh token once the session has expired', async () => {
    const session = await signUpAndLogin(t);
    expect(session.refreshExpiresIn).toBe(120);
    t.clock.advance(60);
    const rotated = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    t.clock.advance(61);
    const res = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: rotated.body.refreshToken });
    expectError(res, 401, 'invalid_refresh_token');
  });

  it('no longer lists an expired session, and refuses its access token', async () => {
    const session = await signUpAndLogin(t);
    const other = (await login(t, session.user.email).expect(200)).body;
    t.clock.advance(121);
    const fresh = (await login(t, session.user.email).expect(200)).body;
    const list = await t.http().get('/auth/sessions').set(bearer(fresh.accessToken)).expect(200);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([fresh.sessionId]);
    expectError(
      await t.http().get('/auth/me').set(bearer(other.accessToken)),
      401,
      'session_revoked',
    );
  });
});
