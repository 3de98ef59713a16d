import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import type { AccessTokenClaims } from '@hybrid-auth/auth-guard';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { SigningKeysService } from '../src/tokens/signing-keys.service';
import { PASSWORD, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { UUID, decodeJwt, expectError, login } from './expectations';

describe('access tokens', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_ACCESS_TOKEN_TTL: '300', AUTH_AUDIENCES: 'alpha, beta' });
  });
  afterAll(() => t.close());

  const me = (headers: Record<string, string>) => t.http().get('/auth/me').set(headers);

  it('carry the header {alg ES256, typ at+jwt, kid} of a published key, and verify with it', async () => {
    const session = await signUpAndLogin(t);
    const { header } = decodeJwt(session.accessToken);
    const jwks = (await t.http().get('/.well-known/jwks.json').expect(200)).body.keys;
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: jwks[0].kid });
    const [h, p, signature] = session.accessToken.split('.');
    const publicKey = createPublicKey({ key: jwks[0], format: 'jwk' });
    const valid = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    expect(valid).toBe(true);
  });

  it('are written byte for byte as the testing signer writes them (header and claims)', async () => {
    const session = await signUpAndLogin(t);
    const { payload } = decodeJwt(session.accessToken);
    const { kid, privateKey } = t.app.get(SigningKeysService).signingKey();
    const expected = signAccessToken(payload as unknown as AccessTokenClaims, privateKey, kid);
    const signingInput = (token: string) => token.split('.').slice(0, 2).join('.');
    expect(signingInput(session.accessToken)).toBe(signingInput(expected));
  });

  it('carry iss, aud (every audience and auth-service), sub, sid, role, email_verified, aal, amr, auth_time, mfa_enrolled, iat, exp and jti', async () => {
    const session = await signUpAndLogin(t);
    const { payload } = decodeJwt(session.accessToken);
    expect(payload).toEqual({
      iss: 'http://auth.test',
      aud: expect.arrayContaining(['alpha', 'beta', 'auth-service']),
      sub: session.user.id,
      sid: session.sessionId,
      role: 'user',
      email_verified: false,
      aal: 'aal1',
      amr: ['pwd'],
      auth_time: expect.any(Number),
      mfa_enrolled: false,
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.stringMatching(UUID),
    });
    expect(payload.aud).toHaveLength(3);
    // auth_time is when the login request was decided, iat when the token was signed: the
    // password check between them may cross a second boundary, never go backwards.
    const signedAfter = (payload.iat as number) - (payload.auth_time as number);
    expect(signedAfter === 0 || signedAfter === 1).toBe(true);
    expect(Math.abs((payload.iat as number) - t.clock.now().getTime() / 1000)).toBeLessThan(5);
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
    expect(session.expiresIn).toBe(300);
    expect(
      decodeJwt((await login(t, session.user.email).expect(200)).body.accessToken).payload.jti,
    ).not.toBe(payload.jti);
  });

  it('are accepted until exp plus the clock leeway, then answered 401 token_expired', async () => {
    const session = await signUpAndLogin(t);
    t.clock.advance(300 + t.config.clockLeewaySeconds - 5);
    await me(bearer(session.accessToken)).expect(200);
    t.clock.advance(10);
    const res = await me(bearer(session.accessToken));
    expectError(res, 401, 'token_expired');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  describe('are refused with 401 invalid_token when', () => {
    let claims: AccessTokenClaims;
    const signed = (overrides: Partial<Record<keyof AccessTokenClaims, unknown>>) => {
      const { kid, privateKey } = t.app.get(SigningKeysService).signingKey();
      return signAccessToken({ ...claims, ...overrides } as AccessTokenClaims, privateKey, kid);
    };
    beforeAll(async () => {
      const session = await signUpAndLogin(t);
      claims = decodeJwt(session.accessToken).payload as unknown as AccessTokenClaims;
      claims.iat = Math.floor(t.clock.now().getTime() / 1000);
      claims.exp = claims.iat + 300;
    });

    it('the claims are ours but signed by our key (control)', async () => {
      await me(bearer(signed({}))).expect(200);
    });

    type Overrides = (c: AccessTokenClaims) => Partial<Record<keyof AccessTokenClaims, unknown>>;
    it.each<[string, Overrides]>([
      ['another issuer', () => ({ iss: 'http://evil.test' })],
      ['auth-service is not in aud', () => ({ aud: ['alpha', 'beta'] })],
      ['sid is missing', () => ({ sid: undefined })],
      ['sub is missing', () => ({ sub: undefined })],
      ['the lifetime is longer than the TTL', (c) => ({ exp: c.iat + 301 })],
      ['iat is in the future', (c) => ({ iat: c.iat + 120, exp: c.iat + 400 })],
      ['the role is unknown', () => ({ role: 'root' })],
    ])('%s', async (_label, overrides) => {
      const res = await me(bearer(signed(overrides(claims))));
      expectError(res, 401, 'invalid_token');
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('the payload was altered after signing', async () => {
      const [h, , s] = signed({}).split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );
      expectError(await me(bearer(`${h}.${payload}.${s}`)), 401, 'invalid_token');
    });

    it('another key signed it, even under a published kid', async () => {
      const kid = t.app.get(SigningKeysService).signingKey().kid;
      const stranger = new TestTokenSigner('http://auth.test', 'auth-service', kid);
      const token = stranger.token({ userId: claims.sub, sessionId: claims.sid });
      expectError(await me(bearer(token)), 401, 'invalid_token');
    });

    it('the kid is unknown', async () => {
      const stranger = new TestTokenSigner('http://auth.test', 'auth-service');
      expectError(await me(bearer(stranger.token())), 401, 'invalid_token');
    });

    it('alg is none', async () => {
      const [, p] = signed({}).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
        'base64url',
      );
      expectError(await me(bearer(`${header}.${p}.`)), 401, 'invalid_token');
    });

    it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer not.a.jwt'], ['Token abc']])(
      'the Authorization header is %j',
      async (authorization) => {
        expectError(await me({ authorization }), 401, 'invalid_token');
      },
    );
  });

  it('are never read from the query string: 401 missing_token', async () => {
    const session = await signUpAndLogin(t);
    const res = await t.http().get(`/auth/me?access_token=${session.accessToken}`);
    expectError(res, 401, 'missing_token');
  });

  it('become 401 token_stale when the role changes, and a refresh brings the new role', async () => {
    const session = await signUpAndLogin(t);
    await t.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [session.user.id]);
    const res = await me(bearer(session.accessToken));
    expectError(res, 401, 'token_stale');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    expect(refreshed.body.user.role).toBe('admin');
    expect(decodeJwt(refreshed.body.accessToken).payload.role).toBe('admin');
    await me(bearer(refreshed.body.accessToken)).expect(200);
  });
});

describe('GET /auth/me', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it('answers the caller: id, email, role, emailVerified and createdAt', async () => {
    const session = await signUpAndLogin(t);
    const res = await t.http().get('/auth/me').set(bearer(session.accessToken)).expect(200);
    expect(res.body).toEqual({
      id: session.user.id,
      email: session.user.email,
      role: 'user',
      emailVerified: false,
      createdAt: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(res.body.createdAt))).toBe(false);
  });

  it('answers 401 missing_token, with a bare Bearer challenge, without a token', async () => {
    const res = await t.http().get('/auth/me');
    expectError(res, 401, 'missing_token');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers a token whose session was never issued with 401 session_revoked', async () => {
    const session = await signUpAndLogin(t);
    const { kid, privateKey } = t.app.get(SigningKeysService).signingKey();
    const claims = decodeJwt(session.accessToken).payload as unknown as AccessTokenClaims;
    const token = signAccessToken({ ...claims, sid: randomUUID() }, privateKey, kid);
    expectError(await t.http().get('/auth/me').set(bearer(token)), 401, 'session_revoked');
    await login(t, session.user.email, PASSWORD).expect(200);
  });
});
