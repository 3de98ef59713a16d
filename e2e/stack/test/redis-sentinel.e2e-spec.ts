import { revocationKeys } from '@hybrid-auth/auth-guard';
import { Redis } from 'ioredis';
import { PASSWORD, call, signUp } from './support/client';
import type { Login } from './support/client';
import { me, refusedBy } from './support/revocation';
import { SentinelSet } from './support/sentinel-set';
import { ServiceProcess, eventually, freePort } from './support/service-process';
import { Stack } from './support/stack';

const USERS = 16;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Redis behind three sentinels: the primary is killed (SIGKILL) while logouts, logins and
 * guarded reads go on. The sentinels promote the replica; every service follows it through
 * REDIS_SENTINELS. Nothing revoked before, during or after is forgotten, the throttles count
 * again, the strict service serves again, and the time to recover is printed.
 */
describe('Redis Sentinel failover under load', () => {
  let set: SentinelSet;
  let stack: Stack;
  let late: ServiceProcess | undefined;
  let probe: Redis | undefined;

  beforeAll(async () => {
    set = await SentinelSet.start();
    const redis = set.env;
    stack = await Stack.create({
      env: {
        auth: { ...redis, AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' },
        catalog: redis,
        orders: redis,
        billing: { ...redis, AUTH_STRICT_BUDGET_MS: '1500' },
      },
    });
  }, 90_000);
  afterAll(async () => {
    probe?.disconnect();
    await late?.stop();
    await stack?.stop();
    await set?.dispose();
  });

  it('loses no revocation, keeps throttling and serves strict routes again after the primary dies', async () => {
    const users: Login[] = [];
    for (let i = 0; i < USERS; i += 1) users.push(await signUp(stack.auth.url));
    const keep = await signUp(stack.auth.url);
    const revoked: Login[] = [];
    const logout = async (user: Login) => {
      const res = await call(`${stack.auth.url}/auth/logout`, {
        method: 'POST',
        token: user.accessToken,
      });
      expect(res.status).toBe(204);
      revoked.push(user);
    };

    // Before: revocations travel by the stream of the first primary.
    for (const user of users.splice(0, 3)) await logout(user);
    await refusedBy(stack.downstream, revoked[0].accessToken, 'session_revoked');

    // The replica falls behind: a revocation reaches the primary (and every guard) only.
    set.freezeReplica();
    const missed = users.shift()!;
    await logout(missed);
    await refusedBy(stack.downstream, missed.accessToken, 'session_revoked');
    const killedAt = Date.now();
    await set.killPrimary();
    set.thawReplica();
    // Load while the sentinels notice and promote: a logout, a login and a guarded read per round.
    let loading = true;
    const failures: string[] = [];
    const load = (async () => {
      while (loading && users.length > 0) {
        await logout(users.shift()!);
        const signedIn = await call(`${stack.auth.url}/auth/login`, {
          body: { email: keep.user.email, password: PASSWORD },
        });
        if (signedIn.status !== 200) failures.push(`login ${signedIn.status}`);
        const read = await me(stack.catalog, keep.accessToken);
        if (read.status !== 200) failures.push(`catalog ${read.status}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    const firstDuring = await eventually(() => revoked[4], 10_000);

    await eventually(() => set.primary() === set.replicaPort, 30_000, 200);
    const promotedAt = Date.now();
    // The relay publishes again: an entry written after the kill, on the promoted replica.
    probe = new Redis({
      sentinels: set.env.REDIS_SENTINELS.split(',').map(hostPort),
      name: SentinelSet.NAME,
    });
    const stream = revocationKeys(stack.stream).stream;
    await eventually(
      async () => {
        const [last] = await probe!.xrevrange(stream, '+', '-', 'COUNT', 1);
        return last !== undefined && Number(last[0].split('-')[0]) > killedAt;
      },
      30_000,
      100,
    );
    const relayAt = Date.now();
    // The first logout made after the kill reaches every guard.
    await refusedBy(stack.downstream, firstDuring.accessToken, 'session_revoked', 30_000);
    const guardsAt = Date.now();
    loading = false;
    await load;

    // After: more revocations, through the new primary.
    for (const user of users.splice(0, 3)) await logout(user);
    expect(revoked.length).toBeGreaterThan(6);

    // None forgotten: every guard refuses every token revoked before, during and after.
    for (const user of revoked)
      await refusedBy(stack.downstream, user.accessToken, 'session_revoked', 15_000);
    // The strict service serves again once the stream vouches for the news.
    await eventually(
      async () =>
        (await me(stack.billing, keep.accessToken)).status === 200 &&
        (await call(`${stack.billing.url}/health/ready`)).status === 200,
      15_000,
    );

    // Throttles count in the promoted Redis: failed logins beyond the limit get 429.
    const wrong = () =>
      call(`${stack.auth.url}/auth/login`, {
        body: { email: keep.user.email, password: 'wrong password!' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await wrong()).status);
    expect(statuses[0]).toBe(401);
    expect(statuses).toContain(429);

    // A guard that never saw the old primary and has no snapshot to fall back on learns every
    // revocation from the promoted replica's stream alone (its epoch and window).
    const {
      AUTH_CLIENT_KEY_FILE: _key,
      AUTH_REVOCATIONS_SECRET: _secret,
      ...env
    } = stack.catalog.env;
    late = new ServiceProcess('catalog-service', await freePort(), env);
    await late.start({ ready: true });
    for (const user of revoked) {
      const res = await me(late, user.accessToken);
      expect([res.status, res.body.code]).toEqual([401, 'session_revoked']);
    }
    expect((await me(late, keep.accessToken)).status).toBe(200);

    const result = {
      promotedAfter: seconds(promotedAt - killedAt),
      relayPublishingAfter: seconds(relayAt - killedAt),
      revocationAtEveryGuardAfter: seconds(guardsAt - killedAt),
      revocations: revoked.length,
      failedRequestsDuringFailover: failures.length,
    };
    console.log(`redis sentinel failover: ${JSON.stringify(result)}`);
  });
});

function hostPort(entry: string) {
  const [host, port] = entry.split(':');
  return { host, port: Number(port) };
}
