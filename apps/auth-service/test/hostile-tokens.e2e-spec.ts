import { hostileTokens, TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { SigningKeysService } from '../src/tokens/signing-keys.service';
import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';

/**
 * The shared hostile-token corpus at auth-service's own protected routes. The corpus is signed
 * with auth-service's real key, so only the rule under test can refuse each token.
 */
describe('hostile access tokens at auth-service', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it('answers every one with 401 (or 431), never 2xx or 5xx, and keeps serving', async () => {
    const { kid, privateKey } = t.app.get(SigningKeysService).signingKey();
    const signer = new TestTokenSigner(t.config.issuer, t.config.ownAudience, kid, privateKey);
    const corpus = hostileTokens(signer, t.config.ownAudience);
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const wrong: string[] = [];
    for (const hostile of corpus) {
      const res = await t.http().get('/auth/me').set(bearer(hostile.token));
      const ok = hostile.expectStatus
        ? [hostile.expectStatus, 401].includes(res.status)
        : res.status === 401 && res.body.code === hostile.code;
      if (!ok) wrong.push(`${hostile.name}: ${res.status} ${res.body?.code}`);
    }
    expect(wrong).toEqual([]);
    const s = await signUpAndLogin(t);
    await t.http().get('/auth/me').set(bearer(s.accessToken)).expect(200);
  });

  it('refuses a refresh token sent as an access token, and an access token sent as a refresh token', async () => {
    const s = await signUpAndLogin(t);
    expect((await t.http().get('/auth/me').set(bearer(s.refreshToken)).expect(401)).body.code).toBe(
      'invalid_token',
    );
    const res = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: s.accessToken })
      .expect(401);
    expect(res.body.code).toBe('invalid_refresh_token');
  });
});
