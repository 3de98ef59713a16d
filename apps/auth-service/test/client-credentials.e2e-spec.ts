import { RevocationFeed, ServiceTokens } from '@hybrid-auth/auth-guard';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createServer } from 'node:net';
import { expectError, decodeJwt } from './expectations';
import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { feedContext, verdict, eventually } from './revocation-feed';
import { ASSERTION_TYPE, assertion, testClient, writeClientsFile } from './support/clients';

/**
 * Holds a loopback port until the app takes it: the port must be known before the app's
 * configuration is read, and a port given back while the app starts (opening connections of
 * its own) can be taken as the local port of one of them.
 */
const holdPort = () =>
  new Promise<{ port: number; release: () => Promise<void> }>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ port, release: () => new Promise((done) => server.close(() => done())) });
    });
  });

describe('client credentials, the revocation snapshot, and discovery', () => {
  let t: AuthTestApp;
  let base: string;
  let clientsFile: string;
  const reader = testClient('revocation-reader', {
    audiences: ['auth-service'],
    scopes: ['revocations:read'],
    grants: ['client_credentials'],
  });
  const scopeless = testClient('scopeless', {
    audiences: ['auth-service'],
    grants: ['client_credentials'],
  });

  beforeAll(async () => {
    const { port, release } = await holdPort();
    base = `http://127.0.0.1:${port}`;
    clientsFile = writeClientsFile([reader, scopeless]);
    try {
      t = await startAuthApp({
        AUTH_CLIENTS_FILE: clientsFile,
        AUTH_CLIENTS_RELOAD: '0',
        AUTH_BASE_URL: base,
      });
    } finally {
      await release();
    }
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(() => t.close());

  const machineTokenResponse = (client = reader) =>
    t
      .http()
      .post('/auth/token')
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion(client, `${base}/auth/token`),
      });
  const machineToken = async (client = reader) =>
    (await machineTokenResponse(client).expect(200)).body as {
      access_token: string;
      expires_in: number;
      scope: string;
    };

  it('issues a machine token: sub = client id, registered aud and scope, no session, 5 min at most', async () => {
    const res = await machineToken();
    expect(res).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'revocations:read' });
    const { payload } = decodeJwt(res.access_token);
    expect(payload).toMatchObject({
      sub: 'revocation-reader',
      client_id: 'revocation-reader',
      aud: ['auth-service'],
      scope: 'revocations:read',
    });
    expect(payload).not.toHaveProperty('sid');
    expect(payload).not.toHaveProperty('role');
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
  });

  it('is no user token: auth-service routes refuse it', async () => {
    const { access_token } = await machineToken();
    expectError(await t.http().get('/auth/me').set(bearer(access_token)), 401, 'invalid_token');
  });

  it('opens the revocation snapshot with scope revocations:read, and only then', async () => {
    const { access_token } = await machineToken();
    const ok = await t.http().get('/auth/internal/revocations').set(bearer(access_token));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ asOf: expect.any(Number), events: expect.any(Array) });
    const user = await signUpAndLogin(t);
    const other = await machineToken(scopeless);
    for (const token of [other.access_token, user.accessToken, `${access_token}x`]) {
      const res = await t.http().get('/auth/internal/revocations').set(bearer(token));
      expectError(res, 401, 'invalid_token');
    }
    // No secret configured: a secret-looking bearer is refused, not compared.
    const secretLike = await t
      .http()
      .get('/auth/internal/revocations')
      .set(bearer('x'.repeat(40)));
    expectError(secretLike, 401, 'invalid_token');
  });

  it('feeds a guard without Redis: its snapshot fallback reads with a machine token', async () => {
    const tokens = new ServiceTokens({
      tokenUrl: `${base}/auth/token`,
      issuer: 'http://auth.test',
      clientId: reader.id,
      privateKey: { key: reader.privateKey, kid: reader.kid },
    });
    const feed = new RevocationFeed(
      {
        fallback: {
          url: `${base}/auth/internal/revocations`,
          secret: () => tokens.clientCredentials('revocations:read'),
          intervalMs: 50,
        },
        startupTimeoutMs: 5000,
      },
      feedContext(t),
    );
    await feed.start();
    try {
      const s = await signUpAndLogin(t);
      await t.http().post('/auth/logout').set(bearer(s.accessToken)).expect(204);
      await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
      // One machine token served every poll.
      expect(tokens.counts.exchanges).toBe(1);
    } finally {
      await feed.stop();
    }
  });

  it('refuses a disabled client at once: its assertions and its live tokens', async () => {
    const { access_token } = await machineToken();
    writeClientsFile(
      [{ ...reader, registration: { ...reader.registration, disabled: true } }, scopeless],
      clientsFile,
    );
    process.emit('SIGHUP');
    const snapshot = () => t.http().get('/auth/internal/revocations').set(bearer(access_token));
    try {
      // The file is read again in the background: wait for it, not for a fixed time.
      await eventually(async () => (await snapshot()).status === 401);
      expectError(await snapshot(), 401, 'invalid_token');
      expectError(await machineTokenResponse(reader), 401, 'invalid_client');
    } finally {
      writeClientsFile([reader, scopeless], clientsFile);
      process.emit('SIGHUP');
      await eventually(async () => (await machineTokenResponse()).status === 200);
    }
  });

  it.each(['oauth-authorization-server', 'openid-configuration'])(
    'serves /.well-known/%s with which a generic JOSE library verifies our tokens',
    async (name) => {
      const metadata = (await (await fetch(`${base}/.well-known/${name}`)).json()) as Record<
        string,
        unknown
      >;
      expect(metadata).toMatchObject({
        issuer: 'http://auth.test',
        jwks_uri: `${base}/.well-known/jwks.json`,
        token_endpoint: `${base}/auth/token`,
        grant_types_supported: expect.arrayContaining([
          'urn:ietf:params:oauth:grant-type:token-exchange',
          'client_credentials',
        ]),
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
      // Only the document and jose: none of our code verifies here.
      const s = await signUpAndLogin(t);
      const keys = createRemoteJWKSet(new URL(metadata.jwks_uri as string));
      const { payload } = await jwtVerify(s.accessToken, keys, {
        issuer: metadata.issuer as string,
        audience: 'orders-service',
        algorithms: ['ES256'],
        typ: 'at+jwt',
      });
      expect(payload.sub).toBe(s.user.id);
      await expect(
        jwtVerify(`${s.accessToken.slice(0, -4)}AAAA`, keys, { issuer: metadata.issuer as string }),
      ).rejects.toThrow();
    },
  );
});
