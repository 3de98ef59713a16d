import { TestClock, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { expectError } from './expectations';

describe('a restart of auth-service', () => {
  let t: AuthTestApp;
  afterAll(() => t.close());

  it('keeps sessions, the signing key and the refresh-token key', async () => {
    const clock = new TestClock();
    t = await startAuthApp({}, { clock });
    const session = await signUpAndLogin(t);
    const rotated = (
      await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200)
    ).body;
    const jwksBefore = (await t.http().get('/.well-known/jwks.json').expect(200)).body;

    await t.close({ keepDatabase: true });
    t = await startAuthApp({}, { db: t.db, clock });

    // Same published key, and access tokens issued before the restart still verify.
    expect((await t.http().get('/.well-known/jwks.json').expect(200)).body).toEqual(jwksBefore);
    await t.http().get('/auth/me').set(bearer(rotated.accessToken)).expect(200);
    const sessions = await t.http().get('/auth/sessions').set(bearer(rotated.accessToken));
    expect(sessions.body.map((s: { id: string }) => s.id)).toEqual([session.sessionId]);

    // The previous refresh token is still recognised as such (the derivation key was kept):
    // within the grace window it replays, after it, it is reuse.
    const replayed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    expect(replayed.body.refreshToken).toBe(rotated.refreshToken);
    const next = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: rotated.refreshToken })
      .expect(200);
    await t.http().get('/auth/me').set(bearer(next.body.accessToken)).expect(200);
    clock.advance(t.config.refreshReuseGrace + 1);
    expectError(
      await t.http().post('/auth/refresh').send({ refreshToken: rotated.refreshToken }),
      401,
      'refresh_token_reused',
    );
  });

  it('keeps sessions with an operator-given AUTH_REFRESH_TOKEN_KEY', async () => {
    const env = { AUTH_REFRESH_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64url') };
    await t.close();
    t = await startAuthApp(env);
    const session = await signUpAndLogin(t);
    await t.close({ keepDatabase: true });
    t = await startAuthApp(env, { db: t.db });
    await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
  });
});
