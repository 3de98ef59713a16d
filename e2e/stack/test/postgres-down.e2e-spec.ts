import { createTestDatabase } from '@hybrid-auth/database/testing';
import { PASSWORD, call, signUp } from './support/client';
import type { Answer, Login } from './support/client';
import { PostgresServer } from './support/postgres-server';
import { me, refusedBy } from './support/revocation';
import { eventually } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Calls and reports how long the answer took (reported, never asserted beyond a liveness bound). */
async function timed(
  label: string,
  request: () => Promise<Answer>,
): Promise<Answer & { ms: number }> {
  const started = Date.now();
  const res = await request();
  const ms = Date.now() - started;
  process.stdout.write(
    `PostgreSQL ${label} answered ${res.status} ${String(res.body.code)} in ${ms} ms\n`,
  );
  return { ...res, ms };
}

/**
 * auth-service's own database on a private PostgreSQL that the suite stops and starts again
 * (same data directory); downstream services keep their databases on the machine's server.
 */
describe('auth-service while its PostgreSQL is stopped, and after it is back', () => {
  let pg: PostgresServer;
  let stack: Stack;
  let before: Login;

  beforeAll(async () => {
    pg = await PostgresServer.start();
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      databases: {
        // Removed with the data directory, not dropped.
        auth: { url: pg.url('hybrid_auth'), drop: async () => undefined },
        catalog: await createTestDatabase('pg_down_catalog'),
        orders: await createTestDatabase('pg_down_orders'),
      },
    });
    before = await signUp(stack.auth.url);
    await pg.stop();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await pg?.remove();
  });

  const auth = (path: string) => `${stack.auth.url}${path}`;

  it('answers login and refresh with a prompt 503 unavailable, never a 500 or a misleading 401', async () => {
    const attempts = [
      await timed('stopped: login', () =>
        call(auth('/auth/login'), { body: { email: before.user.email, password: PASSWORD } }),
      ),
      await timed('stopped: login, wrong password', () =>
        call(auth('/auth/login'), {
          body: { email: before.user.email, password: 'not the password' },
        }),
      ),
      await timed('stopped: refresh', () =>
        call(auth('/auth/refresh'), { body: { refreshToken: before.refreshToken } }),
      ),
      await timed('stopped: GET /auth/me', () =>
        call(auth('/auth/me'), { token: before.accessToken }),
      ),
    ];
    for (const res of attempts) {
      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 503,
        code: 'unavailable',
      });
      // A liveness bound: the pool gives up on a connection after 1.5 s.
      expect(res.ms).toBeLessThan(5000);
    }
  });

  it('keeps publishing the JWKS and lets downstream services verify tokens', async () => {
    const jwks = await call<{ keys: unknown[] }>(auth('/.well-known/jwks.json'));
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    const res = await me(stack.catalog, before.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: before.user.id, sessionId: before.sessionId, role: 'user' });
  });

  it('reports not ready while staying live', async () => {
    const ready = await call(auth('/health/ready'));
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('unavailable');
    expect((await call(auth('/health/live'))).status).toBe(200);
  });

  it('logs in and refreshes again once PostgreSQL is back, and the session made before the outage still refreshes', async () => {
    await pg.start();
    await eventually(async () => (await call(auth('/health/ready'))).status === 200, 20_000);
    const refreshed = await call<Login>(auth('/auth/refresh'), {
      body: { refreshToken: before.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.sessionId).toBe(before.sessionId);
    const again = await call<Login>(auth('/auth/refresh'), {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(again.status).toBe(200);
    expect((await me(stack.catalog, again.body.accessToken)).status).toBe(200);
    const login = await call<Login>(auth('/auth/login'), {
      body: { email: before.user.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const sessions = await call<{ id: string }[]>(auth('/auth/sessions'), {
      token: login.body.accessToken,
    });
    expect(sessions.body.map((s) => s.id)).toEqual(
      expect.arrayContaining([before.sessionId, login.body.sessionId]),
    );
    // The relay publishes again: a logout made after the outage reaches downstream services.
    expect(
      (await call(auth('/auth/logout'), { method: 'POST', token: login.body.accessToken })).status,
    ).toBe(204);
    await refusedBy([stack.catalog], login.body.accessToken, 'session_revoked');
  }, 60_000);

  it('answers 503 unavailable within a bounded time, never hanging, while PostgreSQL stops answering, and serves again after', async () => {
    const s = await signUp(stack.auth.url);
    // Pooled connections stay open to a server that no longer answers (a hang, a partition).
    pg.freeze();
    try {
      const attempts = await Promise.all([
        timed('frozen: login', () =>
          call(auth('/auth/login'), { body: { email: s.user.email, password: PASSWORD } }),
        ),
        timed('frozen: refresh', () =>
          call(auth('/auth/refresh'), { body: { refreshToken: s.refreshToken } }),
        ),
        timed('frozen: GET /auth/me', () => call(auth('/auth/me'), { token: s.accessToken })),
      ]);
      for (const res of attempts) {
        expect({ status: res.status, code: res.body.code }).toEqual({
          status: 503,
          code: 'unavailable',
        });
        // A liveness bound: the client gives up on a query 500 ms after the statement timeout (1.5 s).
        expect(res.ms).toBeLessThan(10_000);
      }
      expect((await call(auth('/health/ready'))).status).toBe(503);
      expect((await call(auth('/health/live'))).status).toBe(200);
      expect((await me(stack.catalog, s.accessToken)).status).toBe(200);
    } finally {
      pg.thaw();
    }
    await eventually(async () => (await call(auth('/health/ready'))).status === 200, 20_000);
    const refreshed = await call(auth('/auth/refresh'), { body: { refreshToken: s.refreshToken } });
    expect(refreshed.status).toBe(200);
  }, 60_000);
});
