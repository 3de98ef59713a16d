import { call, signUp } from './support/client';
import { RedisServer } from './support/redis-server';
import { me, refusedBy } from './support/revocation';
import { ServiceProcess, eventually, freePort } from './support/service-process';
import { Stack } from './support/stack';

/**
 * Redis stopped for a while, then back with no data (as a Redis without persistence
 * restarts): nothing revoked before, during or after the outage is forgotten.
 */
describe('a Redis outage that loses every key', () => {
  let redis: RedisServer;
  let stack: Stack;
  let late: ServiceProcess | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
    // The strict service keeps its default budget: with snapshots polled every second, a
    // budget of 1.5 s left gaps when two polls in a row were slow on a loaded machine.
    stack = await Stack.create({ redisUrl: redis.url });
  }, 90_000);
  afterAll(async () => {
    await late?.stop();
    await stack?.stop();
    await redis?.stop();
  });

  it('serves every route through the snapshot, enforces revocations made meanwhile, and forgets none once Redis is back', async () => {
    const before = await signUp(stack.auth.url);
    const during = await signUp(stack.auth.url);
    const keep = await signUp(stack.auth.url);
    await call(`${stack.auth.url}/auth/logout`, { method: 'POST', token: before.accessToken });
    await refusedBy(stack.downstream, before.accessToken, 'session_revoked');

    await redis.stop();
    // auth-service keeps working without Redis: the event waits in its outbox.
    expect(
      (await call(`${stack.auth.url}/auth/logout`, { method: 'POST', token: during.accessToken }))
        .status,
    ).toBe(204);
    // Ordinary routes keep serving verified tokens; their readiness says degraded, not down.
    expect((await me(stack.catalog, keep.accessToken)).status).toBe(200);
    const ready = await call<{ checks: { auth: { status: string } } }>(
      `${stack.catalog.url}/health/ready`,
    );
    expect(ready.status).toBe(200);
    // Every guard holds a client key (service identity), so it reads auth-service's snapshot
    // with a machine token while the stream cannot answer: the revocation made during the
    // outage is enforced before Redis is back, and the strict service keeps serving.
    // (Strict refusal when nothing vouches for the news: revocation-fallback and auth-down.)
    await refusedBy(stack.downstream, during.accessToken, 'session_revoked');
    expect((await me(stack.billing, keep.accessToken)).status).toBe(200);
    expect((await call(`${stack.billing.url}/health/ready`)).status).toBe(200);

    await redis.start();
    // The revocation made during the outage reaches everyone; the one before is not forgotten.
    await refusedBy(stack.downstream, during.accessToken, 'session_revoked');
    await refusedBy(stack.downstream, before.accessToken, 'session_revoked');
    await eventually(async () => (await me(stack.billing, keep.accessToken)).status === 200);
    expect((await me(stack.catalog, keep.accessToken)).status).toBe(200);
  });

  it('lets a guard that starts after the outage know every revocation before it reports ready', async () => {
    const revoked = await signUp(stack.auth.url);
    await call(`${stack.auth.url}/auth/logout`, { method: 'POST', token: revoked.accessToken });
    await refusedBy([stack.catalog], revoked.accessToken, 'session_revoked');
    // A second catalog replica, configured like the first, on a port of its own.
    late = new ServiceProcess('catalog-service', await freePort(), stack.catalog.env);
    await late.start({ ready: true });
    const res = await me(late, revoked.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('session_revoked');
  });
});
