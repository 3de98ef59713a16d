import { Redis } from 'ioredis';
import { call, signUp } from './support/client';
import { RedisServer } from './support/redis-server';
import { me, refusedBy } from './support/revocation';
import { Stack } from './support/stack';

const ACL = {
  authPassword: 'auth-service pw 0123456789',
  guardPassword: 'guard pw 0123456789',
  ordersPassword: 'orders pw 0123456789',
};
const STREAM = 'hybrid-auth:auth:revocations';

/** The error Redis answers a command with, or 'OK' when it runs. */
async function outcome(command: Promise<unknown>): Promise<string> {
  try {
    await command;
    return 'OK';
  } catch (error) {
    return (error as Error).message.split(' ')[0];
  }
}

/**
 * The compose Redis's users (deploy/redis/start.sh) on a real redis-server: guards can read
 * the revocation stream and nothing else; only auth-service can write, and only its own keys.
 */
describe('Redis ACL users of the compose file', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const connect = (user?: string, password?: string) => {
    const url = user ? redis.urlFor(user, password!) : redis.url;
    const client = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await RedisServer.start(ACL);
  });
  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await redis?.dispose();
  });

  it('refuses clients without a user', async () => {
    expect(await outcome(connect().ping())).toBe('NOAUTH');
  });

  it('lets the guard user read the stream and its epoch, and nothing more', async () => {
    const auth = connect('auth-service', ACL.authPassword);
    await auth.set(`${STREAM}:epoch`, 'epoch-1');
    await auth.xadd(STREAM, '*', 'v', '2');
    await auth.set('hybrid-auth:auth:login-failures:ip:10.0.0.1', '3');
    const guard = connect('guard', ACL.guardPassword);
    expect(await guard.get(`${STREAM}:epoch`)).toBe('epoch-1');
    expect(await guard.xrange(STREAM, '-', '+')).toHaveLength(1);
    expect(await guard.xread('COUNT', 10, 'STREAMS', STREAM, '0-0')).not.toBeNull();
    const refused = {
      xadd: await outcome(guard.xadd(STREAM, '*', 't', 'session', 'sid', 'forged')),
      set: await outcome(guard.set(`${STREAM}:epoch`, 'epoch-2')),
      del: await outcome(guard.del(STREAM)),
      xdel: await outcome(guard.call('XDEL', STREAM, '0-1')),
      eval: await outcome(guard.eval("return redis.call('DEL', KEYS[1])", 1, STREAM)),
      otherKey: await outcome(guard.get('hybrid-auth:auth:login-failures:ip:10.0.0.1')),
      keys: await outcome(guard.keys('*')),
      flushall: await outcome(guard.flushall()),
      config: await outcome(guard.config('GET', 'requirepass')),
      clientKill: await outcome(guard.call('CLIENT', 'KILL', 'TYPE', 'normal')),
    };
    expect(Object.values(refused).every((answer) => answer === 'NOPERM')).toBe(true);
    expect(await guard.get(`${STREAM}:epoch`)).toBe('epoch-1');
  });

  it("lets auth-service's user run the relay and the login throttle on its own keys only", async () => {
    const auth = connect('auth-service', ACL.authPassword);
    const relayLua = `local id = redis.call('XADD', KEYS[1], '*', 'v', '2')
      redis.call('SET', KEYS[2], id, 'EX', 60) return id`;
    expect(await outcome(auth.eval(relayLua, 2, STREAM, `${STREAM}:published:1`))).toBe('OK');
    const counter = 'hybrid-auth:auth:login-failures:account:abc';
    expect(await outcome(auth.multi().incr(counter).expire(counter, 60).ttl(counter).exec())).toBe(
      'OK',
    );
    expect(await outcome(auth.set('another-deployment:auth:revocations:epoch', 'x'))).toBe(
      'NOPERM',
    );
    expect(await outcome(auth.flushall())).toBe('NOPERM');
    expect(await outcome(auth.config('SET', 'appendonly', 'yes'))).toBe('NOPERM');
  });

  it('lets the orders user read the stream and count orders, in its own keys only', async () => {
    const orders = connect('orders', ACL.ordersPassword);
    // rate-limiter-flexible's script, as orders-service runs it.
    const incr = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
      local consumed = redis.call('incrby', KEYS[1], ARGV[1])
      return {consumed, redis.call('pttl', KEYS[1])}`;
    const counter = 'hybrid-auth:orders:order-rate:user-1';
    expect(await outcome(orders.eval(incr, 1, counter, 1, 60))).toBe('OK');
    expect(await outcome(orders.multi().get(counter).pttl(counter).exec())).toBe('OK');
    expect(await outcome(orders.xrange(STREAM, '-', '+'))).toBe('OK');
    expect(await outcome(orders.xadd(STREAM, '*', 'v', '2'))).toBe('NOPERM');
    expect(await outcome(orders.set(`${STREAM}:epoch`, 'x'))).toBe('NOPERM');
    expect(await outcome(orders.eval(incr, 1, `${STREAM}:epoch`, 1, 60))).toBe('NOPERM');
    expect(await outcome(orders.del('hybrid-auth:auth:login-failures:ip:10.0.0.1'))).toBe('NOPERM');
  });

  describe('the services connected as those users', () => {
    let stack: Stack;
    beforeAll(async () => {
      const guardUrl = redis.urlFor('guard', ACL.guardPassword);
      stack = await Stack.create({
        redisUrl: guardUrl,
        stream: 'auth:revocations',
        env: {
          auth: { REDIS_URL: redis.urlFor('auth-service', ACL.authPassword) },
          orders: { REDIS_URL: redis.urlFor('orders', ACL.ordersPassword) },
        },
      });
    }, 90_000);
    afterAll(() => stack?.stop());

    it('revoke everywhere, and the strict service serves on heartbeats read as the guard user', async () => {
      const s = await signUp(stack.auth.url);
      expect((await me(stack.billing, s.accessToken)).status).toBe(200);
      await call(`${stack.auth.url}/auth/logout`, { method: 'POST', token: s.accessToken });
      await refusedBy(stack.downstream, s.accessToken, 'session_revoked');
    });

    it('place orders counted in Redis by the orders user, and nobody is refused a command', async () => {
      const s = await signUp(stack.auth.url);
      const products = await call<{ id: string }[]>(`${stack.catalog.url}/catalog/products`);
      const order = await call(`${stack.orders.url}/orders`, {
        token: s.accessToken,
        body: { productId: products.body[0].id, quantity: 1 },
      });
      expect(order.status).toBe(201);
      const counter = `hybrid-auth:orders:order-rate:${s.user.id}`;
      expect(await connect('orders', ACL.ordersPassword).get(counter)).toBe('1');
      const denied = [stack.auth, ...stack.downstream].flatMap((service) =>
        service.logs.filter((line) => /NOPERM|NOAUTH|WRONGPASS/.test(line)),
      );
      expect(denied).toEqual([]);
    });
  });
});
