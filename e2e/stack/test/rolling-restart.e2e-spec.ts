import { call, signUp, uniqueEmail } from './support/client';
import type { Login } from './support/client';
import { Gateway, replicas } from './support/gateway';
import { Load } from './support/load';
import { refusedBy } from './support/revocation';
import { ServiceProcess, freePort, sleep } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const USERS = 4;
// A start can take 15 s and more on a loaded 2-core machine (other suites, benchmarks).
const STARTUP_MS = 60_000;

/**
 * Two replicas of every service on the same databases, Redis and revocation stream, behind the
 * compose gateway (nginx) with both in each upstream. While users log in, refresh, read and log
 * out through the gateway, each replica in turn is stopped (SIGTERM, wait for the exit) and
 * started again (wait for /health/ready).
 */
describe('a rolling restart of every service under load', () => {
  let stack: Stack;
  let gateway: Gateway;
  const replicasOf: Record<string, ServiceProcess[]> = {};

  beforeAll(async () => {
    stack = await Stack.create({ redisUrl: MACHINE_REDIS, startTimeoutMs: STARTUP_MS });
    for (const first of [stack.auth, ...stack.downstream]) {
      const second = new ServiceProcess(first.app, await freePort(), first.env);
      replicasOf[first.app] = [first, second];
    }
    await Promise.all(
      Object.values(replicasOf).map(([, second]) => second.start({ timeoutMs: STARTUP_MS })),
    );
    const at = (name: string) =>
      replicas(...replicasOf[name].map((service) => `127.0.0.1:${service.port}`));
    gateway = await Gateway.start({
      AUTH_UPSTREAM: at('auth-service'),
      CATALOG_UPSTREAM: at('catalog-service'),
      ORDERS_UPSTREAM: at('orders-service'),
      BILLING_UPSTREAM: at('billing-service'),
    });
    // billing-service reads orders-service, with a token exchanged at auth-service: both
    // through the gateway, so it reaches either replica (as a cluster Service would), not only
    // the first one Stack wired it to (whose restart would fail billing's reads meanwhile).
    const billing = replicasOf['billing-service'];
    for (const [i, old] of billing.entries()) {
      await old.stop();
      billing[i] = new ServiceProcess(old.app, old.port, {
        ...old.env,
        ORDERS_URL: gateway.url,
        AUTH_TOKEN_URL: `${gateway.url}/auth/token`,
      });
      await billing[i].start({ timeoutMs: STARTUP_MS });
    }
  }, 240_000);
  afterAll(async () => {
    await gateway?.stop();
    // Every replica, the billing ones started anew included (stopping a stopped one is a no-op).
    await Promise.all(Object.values(replicasOf).flatMap((pair) => pair.map((s) => s?.stop())));
    await stack?.stop();
  });

  it('answers every request, keeps every session and every revocation', async () => {
    const emails = Array.from({ length: USERS }, () => uniqueEmail('rolling'));
    for (const email of emails) await signUp(gateway.url, email);
    const load = new Load(gateway.url);
    const started = Date.now();
    load.start(emails);
    await sleep(2_000);

    const restarts: string[] = [];
    const exitCodes: (number | null)[] = [];
    for (const name of ['auth-service', 'catalog-service', 'orders-service', 'billing-service']) {
      for (const replica of replicasOf[name]) {
        const t0 = Date.now();
        const code = await replica.stop();
        const t1 = Date.now();
        exitCodes.push(code);
        await replica.start({ timeoutMs: STARTUP_MS });
        restarts.push(
          `${name}:${replica.port} at ${t0 - started} stop ${t1 - t0} ms (exit ${code}) start ${Date.now() - t1} ms`,
        );
        // Both replicas up, under load, for longer than the gateway's fail_timeout (1 s, which
        // nginx counts in whole seconds: up to 2 s) before the next one goes: nginx may still
        // hold the one just back as down for that long ("no live upstreams" if both are).
        await sleep(2_500);
      }
    }
    await sleep(1_000);
    await load.stop();
    const loadMs = Date.now() - started;

    // Every session left open still refreshes, on either auth replica.
    const lost: Login[] = [];
    for (const [i, session] of load.open.entries()) {
      const auth = replicasOf['auth-service'][i % 2];
      const res = await call(`${auth.url}/auth/refresh`, {
        body: { refreshToken: session.refreshToken },
      });
      if (res.status !== 200) lost.push(session);
    }
    // Every logged-out session is refused by every replica of every service.
    const downstream = ['catalog-service', 'orders-service', 'billing-service'].flatMap(
      (name) => replicasOf[name],
    );
    const checkStart = Date.now();
    for (const token of load.revoked) {
      await refusedBy(downstream, token, 'session_revoked', 5_000);
      for (const auth of replicasOf['auth-service']) {
        const res = await call(`${auth.url}/auth/me`, { token });
        expect({ status: res.status, code: res.body.code }).toEqual({
          status: 401,
          code: 'session_revoked',
        });
      }
    }

    console.log(
      `rolling restart: ${load.requests} requests over ${loadMs} ms, ` +
        `${load.retried} retryable 503s retried (the longest such request ${load.longestRetriedMs} ms, the longest of all ${load.longestWaitMs} ms), ${load.failures.length} failures, ` +
        `${load.open.length} open sessions (${lost.length} lost), ` +
        `${load.revoked.length} logouts checked on ${downstream.length + 2} replicas ` +
        `in ${Date.now() - checkStart} ms\n  ${restarts.join('\n  ')}` +
        `\n  503s: ${JSON.stringify(summarize(load.retries))}` +
        `\n  gateway errors: ${unexpected(gateway.errors()).join('\n    ')}` +
        (load.failures.length ? `\n  failures: ${JSON.stringify(load.failures)}` : ''),
    );
    // Every replica exited on its own, promptly: none was killed by its shutdown watchdog.
    expect(exitCodes).toEqual(exitCodes.map(() => 0));
    expect(load.failures).toEqual([]);
    // A draining replica serves what reaches it and refuses new connections, which nginx
    // retries elsewhere: 503s are left only from races (a POST on a keep-alive connection the
    // replica closed at that instant; both replicas marked down, docs/deployment.md). Five
    // runs: 0–3 each, waits of 0.4 s at most; the bounds leave room for a loaded machine.
    // Before the drain was reworked: 160–290 per run, waits of up to 11.4 s.
    expect(load.retried).toBeLessThanOrEqual(20);
    expect(load.longestRetriedMs).toBeLessThan(5_000);
    expect(lost).toEqual([]);
    expect(load.open.length).toBeGreaterThan(0);
    expect(load.revoked.length).toBeGreaterThan(0);
  }, 240_000); // eight restarts: each start may take 15 s on a loaded 2-core machine
});

/** The retried 503s by request and message, with the first and last time each was seen. */
function summarize(retries: { what: string; at: number; message: unknown }[]) {
  const groups = new Map<string, { count: number; from: number; to: number }>();
  for (const { what, at, message } of retries) {
    const key = `${what}: ${String(message)}`;
    const group = groups.get(key) ?? { count: 0, from: at, to: at };
    group.count += 1;
    group.to = at;
    groups.set(key, group);
  }
  return Object.fromEntries(groups);
}

/** nginx's error log without what a restart is expected to cause: refused connections. */
function unexpected(log: string): string[] {
  return log
    .split('\n')
    .filter(Boolean)
    .filter((line) => !/connect\(\) failed \(111|temporarily disabled/.test(line));
}
