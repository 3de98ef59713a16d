import { randomUUID } from 'node:crypto';
import { expectError, decodeJwt } from './expectations';
import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import {
  ACCESS_TOKEN_TYPE,
  ASSERTION_TYPE,
  EXCHANGE,
  assertion,
  testClient,
  writeClientsFile,
} from './support/clients';

const ENDPOINT = 'http://auth.test.local/auth/token';

describe('POST /auth/token: token exchange with private_key_jwt', () => {
  let t: AuthTestApp;
  const orders = testClient('orders-service', {
    audiences: ['catalog-service'],
    grants: ['token_exchange'],
  });
  const billing = testClient('billing-service', {
    audiences: ['orders-service'],
    grants: ['token_exchange'],
  });

  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_CLIENTS_FILE: writeClientsFile([orders, billing]),
      AUTH_BASE_URL: 'http://auth.test.local',
    });
  });
  afterAll(() => t.close());

  const exchangeForm = (subjectToken: string, extra: Record<string, string> = {}) => ({
    grant_type: EXCHANGE,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion(orders, ENDPOINT),
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    audience: 'catalog-service',
    ...extra,
  });
  const post = (form: Record<string, string>) =>
    t.http().post('/auth/token').type('form').send(form);

  it('mints a catalog token for the same user and session, 60 s at most, act naming the client', async () => {
    const s = await signUpAndLogin(t);
    const res = await post(exchangeForm(s.accessToken)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 60,
    });
    const user = decodeJwt(s.accessToken).payload;
    const { header, payload } = decodeJwt(res.body.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: user.iss,
      sub: s.user.id,
      sid: s.sessionId,
      role: 'user',
      email_verified: false,
      aud: ['catalog-service'],
      act: { sub: 'orders-service' },
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    expect(payload.jti).not.toBe(user.jti);
    // The audit trail says which client got a token for whom, never the token itself.
    const events: { user_id: string; session_id: string; details: Record<string, string> }[] =
      await t.dataSource.query(
        `SELECT user_id, session_id, details FROM auth_events
         WHERE type = 'client_token_issued' AND user_id = $1`,
        [s.user.id],
      );
    expect(events).toEqual([
      {
        user_id: s.user.id,
        session_id: s.sessionId,
        details: {
          clientId: 'orders-service',
          grant: 'token_exchange',
          audience: 'catalog-service',
        },
      },
    ]);
  });

  it('accepts JSON too, and the issuer as the assertion audience', async () => {
    const s = await signUpAndLogin(t);
    await t
      .http()
      .post('/auth/token')
      .send(
        exchangeForm(s.accessToken, { client_assertion: assertion(orders, 'http://auth.test') }),
      )
      .expect(200);
  });

  it('never outlives the subject token', async () => {
    const s = await signUpAndLogin(t);
    t.clock.advance(900 - 20);
    try {
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const clientAssertion = assertion(orders, ENDPOINT, { claims: { iat: now, exp: now + 60 } });
      const res = await post(
        exchangeForm(s.accessToken, { client_assertion: clientAssertion }),
      ).expect(200);
      expect(res.body.expires_in).toBeLessThanOrEqual(21);
      const { payload } = decodeJwt(res.body.access_token);
      expect(payload.exp).toBe(decodeJwt(s.accessToken).payload.exp);
    } finally {
      t.clock.advance(-(900 - 20));
    }
  });

  it('refuses an exchanged token as subject (no chains)', async () => {
    const s = await signUpAndLogin(t);
    const first = (await post(exchangeForm(s.accessToken)).expect(200)).body.access_token;
    const again = await t
      .http()
      .post('/auth/token')
      .type('form')
      .send({
        ...exchangeForm(first),
        client_assertion: assertion(billing, ENDPOINT),
        audience: 'orders-service',
      });
    expectError(again, 400, 'invalid_grant');
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses the subject token of an ended session', async () => {
    const s = await signUpAndLogin(t);
    await t.http().post('/auth/logout-all').set(bearer(s.accessToken)).expect(204);
    expectError(await post(exchangeForm(s.accessToken)), 400, 'invalid_grant');
  });

  it('refuses an audience the client may not ask for, and more than one', async () => {
    const s = await signUpAndLogin(t);
    for (const audience of ['billing-service', 'auth-service', 'orders-service']) {
      const res = await post(exchangeForm(s.accessToken, { audience }));
      expectError(res, 400, 'invalid_target');
      expect(res.body).toMatchObject({
        error: 'invalid_target',
        error_description: expect.any(String),
      });
    }
    const body =
      new URLSearchParams(exchangeForm(s.accessToken)).toString() + '&audience=billing-service';
    const twice = await t
      .http()
      .post('/auth/token')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send(body);
    expectError(twice, 400, 'invalid_target');
  });

  it('refuses a replayed, expired, long-lived or foreign-signed assertion with 401 invalid_client', async () => {
    const s = await signUpAndLogin(t);
    const once = assertion(orders, ENDPOINT);
    await post(exchangeForm(s.accessToken, { client_assertion: once })).expect(200);
    const now = Math.floor(Date.now() / 1000);
    const hostile = [
      once,
      assertion(orders, ENDPOINT, { claims: { iat: now - 600, exp: now - 120 } }),
      assertion(orders, ENDPOINT, { claims: { exp: now + 3600 } }),
      assertion(orders, ENDPOINT, { key: billing.privateKey }),
      assertion(orders, 'http://elsewhere/auth/token'),
      assertion(orders, ENDPOINT, { claims: { sub: 'billing-service' } }),
      assertion(orders, ENDPOINT, { claims: { jti: undefined } }),
      assertion(orders, ENDPOINT, { header: { alg: 'HS256' } }),
      assertion(
        testClient('stranger', { audiences: ['catalog-service'], grants: ['token_exchange'] }),
        ENDPOINT,
      ),
      'not.a.jwt',
    ];
    for (const clientAssertion of hostile) {
      const res = await post(exchangeForm(s.accessToken, { client_assertion: clientAssertion }));
      expectError(res, 401, 'invalid_client');
      expect(res.body.error).toBe('invalid_client');
    }
    const res = await post(exchangeForm(s.accessToken, { client_assertion_type: 'password' }));
    expectError(res, 401, 'invalid_client');
  });

  it('refuses a client naming another client, and its exchanged token at auth-service', async () => {
    const s = await signUpAndLogin(t);
    const spoofed = await post(exchangeForm(s.accessToken, { client_id: 'billing-service' }));
    expectError(spoofed, 401, 'invalid_client');
    const token = (await post(exchangeForm(s.accessToken)).expect(200)).body.access_token;
    expectError(await t.http().get('/auth/me').set(bearer(token)), 401, 'invalid_token');
  });

  it('answers the OAuth codes for broken requests', async () => {
    const s = await signUpAndLogin(t);
    expectError(
      await post(exchangeForm(s.accessToken, { grant_type: 'password' })),
      400,
      'unsupported_grant_type',
    );
    expectError(
      await post(exchangeForm(s.accessToken, { grant_type: 'client_credentials' })),
      400,
      'unauthorized_client',
    );
    expectError(await post(exchangeForm('', {})), 400, 'invalid_request');
    expectError(
      await post(exchangeForm(s.accessToken, { subject_token_type: 'id_token' })),
      400,
      'invalid_request',
    );
    expectError(
      await post(
        exchangeForm(s.accessToken, {
          actor_token: s.accessToken,
          actor_token_type: ACCESS_TOKEN_TYPE,
        }),
      ),
      400,
      'invalid_request',
    );
    expectError(await post(exchangeForm(`${s.accessToken}x`)), 400, 'invalid_grant');
    expectError(await post(exchangeForm(randomUUID())), 400, 'invalid_grant');
  });
});
