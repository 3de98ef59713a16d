import { startAuthApp, signUpAndLogin, bearer } from './harness';
import type { AuthTestApp } from './harness';

describe('refresh rotation under concurrency', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it('rotates exactly once when 20 requests race with the same token, and all get the same new refresh token', async () => {
    const login = await signUpAndLogin(t);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http().post('/auth/refresh').send({ refreshToken: login.refreshToken }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const refreshTokens = new Set(responses.map((r) => r.body.refreshToken));
    expect(refreshTokens.size).toBe(1);
    expect(responses.every((r) => r.body.sessionId === login.sessionId)).toBe(true);
    const [row] = await t.dataSource.query(
      'SELECT generation, revoked_at FROM sessions WHERE id = $1',
      [login.sessionId],
    );
    expect(row).toEqual({ generation: 1, revoked_at: null });
    // Every racer got a working access token for the same live session.
    for (const r of responses.slice(0, 3)) {
      await t.http().get('/auth/me').set(bearer(r.body.accessToken)).expect(200);
    }
    // And the shared new refresh token rotates on.
    const next = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: [...refreshTokens][0] })
      .expect(200);
    expect(next.body.refreshToken).not.toBe([...refreshTokens][0]);
  });
});
