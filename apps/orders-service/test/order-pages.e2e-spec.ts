import { randomUUID } from 'node:crypto';
import { bearer, startOrdersApp } from './harness';
import type { OrdersTestApp } from './harness';

interface Row {
  id: string;
}

describe('orders-service: GET /orders pages and GET /orders/summary', () => {
  let t: OrdersTestApp;
  beforeAll(async () => {
    t = await startOrdersApp();
  });
  afterAll(() => t.close());

  /**
   * `count` orders for `userId`, written straight to the database (the API would rate-limit
   * them). Three at a time share a created_at, so the id must break ties between pages.
   */
  async function seed(userId: string, count: number): Promise<void> {
    await t.dataSource.query(
      `INSERT INTO orders (user_id, product_id, quantity, unit_price_cents, total_cents, created_at)
       SELECT $1, gen_random_uuid(), 1 + g % 5, 100 + g, (1 + g % 5) * (100 + g),
              now() - make_interval(secs => g / 3)
       FROM generate_series(1, $2) AS g`,
      [userId, count],
    );
  }

  const expectedIds = async (userId: string): Promise<string[]> =>
    (
      (await t.dataSource.query(
        'SELECT id FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC',
        [userId],
      )) as Row[]
    ).map((row) => row.id);

  const page = (token: string, query: Record<string, string | number> = {}) =>
    t.http().get('/orders').query(query).set(bearer(token));

  /** Follows X-Next-Cursor from the first page to the last. */
  async function walk(token: string, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await page(token, cursor ? { limit, cursor } : { limit }).expect(200);
      expect(res.body.length).toBeLessThanOrEqual(limit);
      ids.push(...res.body.map((o: Row) => o.id));
      cursor = res.headers['x-next-cursor'];
      pages++;
    } while (cursor);
    return { ids, pages };
  }

  const alice = randomUUID();
  const bob = randomUUID();
  let aliceToken: string;
  let bobToken: string;
  beforeAll(async () => {
    await seed(alice, 230);
    await seed(bob, 20);
    aliceToken = t.signer.token({ userId: alice });
    bobToken = t.signer.token({ userId: bob });
  });

  it('answers 50 orders by default, newest first, with a cursor to the next page', async () => {
    const res = await page(aliceToken).expect(200);
    expect(res.body).toHaveLength(50);
    expect(res.body.map((o: Row) => o.id)).toEqual((await expectedIds(alice)).slice(0, 50));
    const cursor = res.headers['x-next-cursor'];
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(res.headers.link).toBe(`</orders?limit=50&cursor=${cursor}>; rel="next"`);
  });

  it('walks every order exactly once, in order, across pages that split equal timestamps', async () => {
    const { ids, pages } = await walk(aliceToken, 100);
    expect(pages).toBe(3);
    expect(ids).toEqual(await expectedIds(alice));
    expect(new Set(ids).size).toBe(230);
    const small = await walk(aliceToken, 7);
    expect(small.ids).toEqual(ids);
  });

  it('sends no cursor on the last page', async () => {
    const res = await page(bobToken, { limit: 20 }).expect(200);
    expect(res.body).toHaveLength(20);
    expect(res.headers['x-next-cursor']).toBeUndefined();
    expect(res.headers.link).toBeUndefined();
  });

  it.each([
    ['above 100', { limit: 101 }],
    ['0', { limit: 0 }],
    ['not a number', { limit: 'many' }],
    ['fractional', { limit: 2.5 }],
  ])('refuses a limit %s with 400 validation_failed', async (_label, query) => {
    const res = await page(aliceToken, query).expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['limit']);
  });

  it('accepts a limit of 100, the cap', async () => {
    expect((await page(aliceToken, { limit: 100 }).expect(200)).body).toHaveLength(100);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64url of something else', Buffer.from('o1:42').toString('base64url')],
    ['too long', 'a'.repeat(200)],
  ])('refuses a cursor that is %s with 400 validation_failed', async (_label, cursor) => {
    const res = await page(aliceToken, { cursor }).expect(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it("shows nothing of anyone else through their cursor, nor of them through one's own", async () => {
    const bobsCursor = (await page(bobToken, { limit: 5 }).expect(200)).headers['x-next-cursor'];
    const withBobs = await page(aliceToken, { cursor: bobsCursor }).expect(200);
    expect(withBobs.body).toEqual([]);
    const alicesCursor = (await page(aliceToken, { limit: 5 })).headers['x-next-cursor'];
    const bobWithAlices = await page(bobToken, { cursor: alicesCursor }).expect(200);
    expect(bobWithAlices.body).toEqual([]);
  });

  it('keeps a walk whole while an order is placed: the new one is on the next walk', async () => {
    const carol = randomUUID();
    await seed(carol, 12);
    const before = await expectedIds(carol);
    const token = t.signer.token({ userId: carol });
    const first = await page(token, { limit: 5 }).expect(200);
    await seed(carol, 1); // dated now: newer than every order of the walk
    const ids: string[] = first.body.map((o: Row) => o.id);
    let cursor = first.headers['x-next-cursor'];
    while (cursor) {
      const res = await page(token, { limit: 5, cursor }).expect(200);
      ids.push(...res.body.map((o: Row) => o.id));
      cursor = res.headers['x-next-cursor'];
    }
    expect(ids).toEqual(before);
    expect((await walk(token, 5)).ids).toHaveLength(13);
  });

  describe('GET /orders/summary', () => {
    it("answers the count and total of the caller's orders, by aggregate, for 5,000 orders", async () => {
      const dave = randomUUID();
      await seed(dave, 5000);
      const [expected] = (await t.dataSource.query(
        'SELECT count(*)::int AS n, sum(total_cents)::text AS total FROM orders WHERE user_id = $1',
        [dave],
      )) as { n: number; total: string }[];
      const res = await t
        .http()
        .get('/orders/summary')
        .set(bearer(t.signer.token({ userId: dave })))
        .expect(200);
      expect(res.body).toEqual({ orderCount: 5000, totalCents: Number(expected.total) });
      expect(expected.n).toBe(5000);
    });

    it('answers zeros for a caller without orders, and counts only the caller', async () => {
      const none = await t.http().get('/orders/summary').set(bearer(t.signer.token())).expect(200);
      expect(none.body).toEqual({ orderCount: 0, totalCents: 0 });
      const res = await t.http().get('/orders/summary').set(bearer(bobToken)).expect(200);
      expect(res.body.orderCount).toBe(20);
    });

    it('refuses a caller without a token with 401 missing_token', async () => {
      const res = await t.http().get('/orders/summary').expect(401);
      expect(res.body.code).toBe('missing_token');
    });
  });
});
