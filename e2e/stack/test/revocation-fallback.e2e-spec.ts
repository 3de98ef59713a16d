import { call, signUp } from './support/client';
import { RedisServer } from './support/redis-server';
import { me, refusedBy } from './support/revocation';
import { ServiceProcess, eventually, freePort, sleep } from './support/service-process';
import type { ServiceProcess as Service } from './support/service-process';
import { Stack } from './support/stack';

const SECRET = 'stack-revocations-secret-0123456789abcdef';
const BUDGET_MS = 5000;
const FEED = { AUTH_REVOCATIONS_SECRET: SECRET };
/** Every service shares the snapshot secret; billing has a short strict budget. */
const WITH_SNAPSHOTS = {
  auth: FEED,
  catalog: FEED,
  orders: FEED,
  billing: { ...FEED, AUTH_STRICT_BUDGET_MS: String(BUDGET_MS) },
};

/** Milliseconds from the logout's answer until every downstream service refuses the token. */
async function propagation(stack: Stack): Promise<number> {
  const s = await signUp(stack.auth.url);
  const res = await call(`${stack.auth.url}/auth/logout`, {
    method: 'POST',
    token: s.accessToken,
  });
  expect(res.status).toBe(204);
  const loggedOut = Date.now();
  await refusedBy(stack.downstream, s.accessToken, 'session_revoked');
  return Date.now() - loggedOut;
}

/** The guard's own view, from its Prometheus metrics. */
async function fallbackActive(service: Service): Promise<number | undefined> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = /^auth_guard_feed_fallback_active (\d+)$/m.exec(text);
  return line ? Number(line[1]) : undefined;
}

/** Over longer than the strict budget, the strict service keeps answering 200. */
async function billingServesThroughout(stack: Stack, token: string): Promise<void> {
  const until = Date.now() + BUDGET_MS * 2;
  while (Date.now() < until) {
    const res = await me(stack.billing, token);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 200, code: undefined });
    await sleep(200);
  }
}

/**
 * With AUTH_REVOCATIONS_SECRET, a guard whose Redis stream cannot answer reads the window
 * from auth-service instead: revocations keep reaching every service, and strict routes keep
 * serving, while Redis is down or absent.
 */
describe('revocation news from auth-service when Redis cannot answer', () => {
  describe('Redis stopped for a while', () => {
    let redis: RedisServer;
    let stack: Stack;
    let late: ServiceProcess | undefined;

    beforeAll(async () => {
      redis = await RedisServer.start();
      stack = await Stack.create({ redisUrl: redis.url, env: WITH_SNAPSHOTS });
    }, 90_000);
    afterAll(async () => {
      await late?.stop();
      await stack?.stop();
      await redis?.stop();
    });

    it('keeps revoking everywhere and keeps the strict service serving, then returns to the stream', async () => {
      const keep = await signUp(stack.auth.url);
      const pushed = await propagation(stack);
      expect(await fallbackActive(stack.catalog)).toBe(0);

      await redis.stop();
      await billingServesThroughout(stack, keep.accessToken);
      for (const service of stack.downstream)
        await eventually(async () => (await fallbackActive(service)) === 1);
      const ready = await call<{ checks: { auth: { status: string; detail?: string } } }>(
        `${stack.billing.url}/health/ready`,
      );
      expect(ready.status).toBe(200);
      expect(ready.body.checks.auth.detail).toMatch(/news from auth-service/);
      const polled = await propagation(stack);

      // A guard that starts while Redis is down knows every revocation before it is ready.
      const revoked = await signUp(stack.auth.url);
      await call(`${stack.auth.url}/auth/logout`, { method: 'POST', token: revoked.accessToken });
      late = new ServiceProcess('catalog-service', await freePort(), stack.catalog.env);
      await late.start({ ready: true });
      const res = await me(late, revoked.accessToken);
      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 401,
        code: 'session_revoked',
      });

      await redis.start();
      for (const service of stack.downstream)
        await eventually(async () => (await fallbackActive(service)) === 0);
      expect((await me(stack.billing, keep.accessToken)).status).toBe(200);
      const pushedAgain = await propagation(stack);
      process.stdout.write(
        `revocation propagation: pushed ${pushed} ms, polled while Redis was down ${polled} ms, pushed again ${pushedAgain} ms\n`,
      );
    });
  });

  describe('no Redis at all', () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await Stack.create({ env: WITH_SNAPSHOTS });
    }, 90_000);
    afterAll(() => stack?.stop());

    it('polls auth-service: strict billing serves, and a logout reaches every service', async () => {
      const keep = await signUp(stack.auth.url);
      await billingServesThroughout(stack, keep.accessToken);
      const polled = await propagation(stack);
      process.stdout.write(`revocation propagation with no Redis (polling): ${polled} ms\n`);
      expect(await fallbackActive(stack.orders)).toBe(1);
    });
  });
});
