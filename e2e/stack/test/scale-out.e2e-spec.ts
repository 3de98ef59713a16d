import { call, login, uniqueEmail, signUp } from './support/client';
import type { Login } from './support/client';
import { me, refusedBy } from './support/revocation';
import { ServiceProcess, freePort } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two auth-service and two catalog-service replicas on the same databases and revocation
 * stream: a session is one thing whichever replica a request lands on.
 */
describe('two replicas of auth-service and of catalog-service', () => {
  let stack: Stack;
  let auth2: ServiceProcess;
  let catalog2: ServiceProcess;

  beforeAll(async () => {
    stack = await Stack.create({ redisUrl: MACHINE_REDIS });
    auth2 = new ServiceProcess('auth-service', await freePort(), stack.auth.env);
    await auth2.start();
    // The second catalog takes its keys from the second auth replica: both publish the same ones.
    catalog2 = new ServiceProcess('catalog-service', await freePort(), {
      ...stack.catalog.env,
      AUTH_JWKS_URL: `${auth2.url}/.well-known/jwks.json`,
    });
    await catalog2.start();
  }, 120_000);
  afterAll(async () => {
    await Promise.all([catalog2?.stop(), auth2?.stop()]);
    await stack?.stop();
  });

  it('refreshes on one auth replica a session started on the other, and a logout there reaches both catalog replicas', async () => {
    const email = uniqueEmail();
    await signUp(stack.auth.url, email);
    const first = await login(stack.auth.url, email);
    const catalogs = [stack.catalog, catalog2];
    for (const catalog of catalogs) expect((await me(catalog, first.accessToken)).status).toBe(200);

    const refreshed = await call<Login>(`${auth2.url}/auth/refresh`, {
      body: { refreshToken: first.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.sessionId).toBe(first.sessionId);
    for (const catalog of catalogs)
      expect((await me(catalog, refreshed.body.accessToken)).status).toBe(200);

    const logout = await call(`${auth2.url}/auth/logout`, {
      method: 'POST',
      token: refreshed.body.accessToken,
    });
    expect(logout.status).toBe(204);
    await refusedBy(catalogs, refreshed.body.accessToken, 'session_revoked');
    await refusedBy(catalogs, first.accessToken, 'session_revoked');
    // auth-service #1 knows it too, from the shared database.
    const own = await call(`${stack.auth.url}/auth/me`, { token: first.accessToken });
    expect({ status: own.status, code: own.body.code }).toEqual({
      status: 401,
      code: 'session_revoked',
    });
  });

  it('detects refresh-token reuse across replicas and ends the session on both catalog replicas', async () => {
    // The grace window (10 s by default) would answer the replay with the same new token; a
    // second rotation makes the first token two generations old, which is reuse at once.
    const s = await signUp(stack.auth.url);
    const next = await call<Login>(`${stack.auth.url}/auth/refresh`, {
      body: { refreshToken: s.refreshToken },
    });
    await call(`${auth2.url}/auth/refresh`, { body: { refreshToken: next.body.refreshToken } });
    const reused = await call(`${auth2.url}/auth/refresh`, {
      body: { refreshToken: s.refreshToken },
    });
    expect(reused.body.code).toBe('refresh_token_reused');
    await refusedBy([stack.catalog, catalog2], next.body.accessToken, 'session_revoked');
  });
});
