import net from 'node:net';
import { call, signUp } from './support/client';
import { me } from './support/revocation';
import { ServiceProcess, eventually, freePort } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('auth-service down, or its JWKS endpoint hanging', () => {
  let stack: Stack;
  let hanging: net.Server | undefined;
  let blind: ServiceProcess | undefined;

  beforeAll(async () => {
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      env: { billing: { AUTH_STRICT_BUDGET_MS: '1500' } },
    });
  }, 90_000);
  afterAll(async () => {
    await blind?.stop();
    hanging?.close();
    await stack?.stop();
  });

  it('keeps downstream services verifying with the keys they hold, and the strict one refusing until auth is back', async () => {
    const s = await signUp(stack.auth.url);
    await stack.auth.stop();
    for (const service of [stack.catalog, stack.orders]) {
      const res = await me(service, s.accessToken);
      expect(res.status).toBe(200);
    }
    // Nobody vouches that every revocation was published: billing refuses past its budget.
    await eventually(async () => (await me(stack.billing, s.accessToken)).status === 503);
    await stack.auth.start();
    await eventually(async () => (await me(stack.billing, s.accessToken)).status === 200);
    expect((await call(`${stack.auth.url}/auth/me`, { token: s.accessToken })).status).toBe(200);
  });

  it('answers 503 within a bounded time when the JWKS endpoint accepts connections but never answers', async () => {
    hanging = net.createServer(() => undefined); // accepts, never writes
    const port = await freePort();
    await new Promise<void>((resolve) => hanging!.listen(port, '127.0.0.1', resolve));
    blind = new ServiceProcess('catalog-service', await freePort(), {
      ...stack.catalog.env,
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    });
    await blind.start({ ready: false });
    expect((await call(`${blind.url}/health/ready`)).status).toBe(503);
    const s = await signUp(stack.auth.url);
    const started = Date.now();
    const res = await me(blind, s.accessToken);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('unavailable');
    // A liveness bound (the guard's fetch timeout is 2 s); the measured time is reported.
    expect(elapsed).toBeLessThan(8000);
    process.stdout.write(`hanging JWKS: answered 503 after ${elapsed} ms\n`);
  });
});
