import { randomBytes, randomUUID } from 'node:crypto';
import { CatalogStub } from './catalog-stub';
import { REDIS_URL, bearer, startOrdersApp } from './harness';
import type { OrdersTestApp } from './harness';

describe('orders-service: order creation is rate limited per user, across replicas', () => {
  const catalog = new CatalogStub();
  const mug = catalog.add({ id: randomUUID(), name: 'Ceramic mug', priceCents: 1250 });
  const replicas: OrdersTestApp[] = [];

  beforeAll(async () => {
    await catalog.start();
    const env = {
      CATALOG_URL: catalog.url,
      REDIS_URL,
      AUTH_REVOCATION_STREAM: `test:${randomBytes(4).toString('hex')}:revocations`,
      ORDERS_RATE_LIMIT: '5',
      ORDERS_RATE_WINDOW: '60',
    };
    replicas.push(await startOrdersApp(env), await startOrdersApp(env));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((t) => t.close()));
    await catalog.stop();
  });
  beforeEach(() => {
    catalog.requests.length = 0;
  });

  /** `n` orders by `userId` at once, spread over both replicas; the answers. */
  async function placeAtOnce(userId: string, n: number) {
    return Promise.all(
      Array.from({ length: n }, (_, i) => {
        const t = replicas[i % replicas.length];
        return t
          .http()
          .post('/orders')
          .set(bearer(t.signer.token({ userId })))
          .send({ productId: mug.id, quantity: 1 });
      }),
    );
  }

  it('lets at most the limit through parallel creations, on both replicas together', async () => {
    const userId = randomUUID();
    const answers = await placeAtOnce(userId, 16);
    const created = answers.filter((res) => res.status === 201);
    const refused = answers.filter((res) => res.status === 429);
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(11);
    for (const res of refused) {
      expect(res.body).toEqual({ code: 'rate_limited', message: expect.any(String) });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    // Counted before any work: the catalog was asked only for the orders let through.
    expect(catalog.requests).toHaveLength(5);
    const [count] = (await replicas[0].dataSource.query(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
      [userId],
    )) as { n: number }[];
    const [other] = (await replicas[1].dataSource.query(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
      [userId],
    )) as { n: number }[];
    expect(count.n + other.n).toBe(5);
  });

  it("does not count one user's orders against another", async () => {
    await placeAtOnce(randomUUID(), 6);
    const answers = await placeAtOnce(randomUUID(), 5);
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201, 201, 201]);
  });

  it('still lets reads through once the limit is reached', async () => {
    const userId = randomUUID();
    await placeAtOnce(userId, 7);
    const t = replicas[0];
    const token = t.signer.token({ userId });
    await t.http().get('/orders').set(bearer(token)).expect(200);
    await t.http().get('/orders/summary').set(bearer(token)).expect(200);
  });
});
