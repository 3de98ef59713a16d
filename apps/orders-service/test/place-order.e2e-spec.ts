import { randomUUID } from 'node:crypto';
import { CatalogStub, deadUrl } from './catalog-stub';
import { bearer, startOrdersApp } from './harness';
import type { OrdersTestApp } from './harness';

describe('orders-service: placing orders', () => {
  const catalog = new CatalogStub();
  const mug = catalog.add({ id: randomUUID(), name: 'Ceramic mug', priceCents: 1250 });
  const grand = catalog.add({ id: randomUUID(), name: 'Grand piano', priceCents: 100_000_000 });
  let t: OrdersTestApp;
  const alice = randomUUID();
  const bob = randomUUID();
  let aliceToken: string;
  let bobToken: string;

  beforeAll(async () => {
    await catalog.start();
    t = await startOrdersApp({ CATALOG_URL: catalog.url, CATALOG_TIMEOUT_MS: '2000' });
    aliceToken = t.signer.token({ userId: alice });
    bobToken = t.signer.token({ userId: bob });
  });
  afterAll(async () => {
    await t.close();
    await catalog.stop();
  });
  beforeEach(() => {
    catalog.mode = 'serve';
    catalog.requests.length = 0;
  });

  const order = (token: string, body: object) =>
    t.http().post('/orders').set(bearer(token)).send(body);

  describe('GET /orders/me', () => {
    it('answers who the caller is from the token alone', async () => {
      const res = await t.http().get('/orders/me').set(bearer(aliceToken)).expect(200);
      expect(res.body).toEqual({ userId: alice, sessionId: expect.any(String), role: 'user' });
    });

    it('refuses a request without a token with 401 missing_token', async () => {
      const res = await t.http().get('/orders/me').expect(401);
      expect(res.body.code).toBe('missing_token');
    });

    it('refuses a token made for a sibling service with 401 invalid_token', async () => {
      const token = t.signer.token({ audience: ['catalog-service', 'billing-service'] });
      const res = await t.http().get('/orders/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it('refuses an expired token with 401 token_expired', async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 3600;
      const res = await t
        .http()
        .get('/orders/me')
        .set(bearer(t.signer.token({ issuedAt })))
        .expect(401);
      expect(res.body.code).toBe('token_expired');
    });
  });

  describe('POST /orders', () => {
    it('prices the order with the catalog price and answers 201 with the order', async () => {
      const res = await order(aliceToken, { productId: mug.id, quantity: 3 }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        productId: mug.id,
        quantity: 3,
        totalCents: 3750,
        createdAt: expect.any(String),
      });
      expect(catalog.requests.map((r) => r.url)).toEqual([`/catalog/products/${mug.id}`]);
    });

    it("passes the caller's request id on to catalog-service", async () => {
      await order(aliceToken, { productId: mug.id, quantity: 1 })
        .set('x-request-id', 'req-42')
        .expect(201);
      expect(catalog.requests[0].headers['x-request-id']).toBe('req-42');
    });

    it('keeps totals beyond 32 bits exact', async () => {
      const res = await order(bobToken, { productId: grand.id, quantity: 1000 }).expect(201);
      expect(res.body.totalCents).toBe(100_000_000_000);
      const fetched = await t
        .http()
        .get(`/orders/${res.body.id}`)
        .set(bearer(bobToken))
        .expect(200);
      expect(fetched.body.totalCents).toBe(100_000_000_000);
    });

    it('answers 404 not_found for a product the catalog does not know, and orders nothing', async () => {
      const carol = t.signer.token({ userId: randomUUID() });
      const res = await order(carol, { productId: randomUUID(), quantity: 1 }).expect(404);
      expect(res.body.code).toBe('not_found');
      await t.http().get('/orders').set(bearer(carol)).expect(200, []);
    });

    it.each([
      ['an empty body', {}, ['productId', 'quantity']],
      ['a product id that is not a UUID', { productId: 'mug', quantity: 1 }, ['productId']],
      ['a quantity of 0', { productId: randomUUID(), quantity: 0 }, ['quantity']],
      ['a quantity above 1000', { productId: randomUUID(), quantity: 1001 }, ['quantity']],
      ['a fractional quantity', { productId: randomUUID(), quantity: 1.5 }, ['quantity']],
      ['a quantity given as a string', { productId: randomUUID(), quantity: '2' }, ['quantity']],
      [
        'a price set by the client',
        { productId: randomUUID(), quantity: 1, totalCents: 1 },
        ['totalCents'],
      ],
    ])(
      'refuses %s with 400 validation_failed, without asking the catalog',
      async (_l, body, fields) => {
        const res = await order(aliceToken, body).expect(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(fields);
        expect(catalog.requests).toHaveLength(0);
      },
    );

    it('refuses a caller without a token with 401 missing_token, without asking the catalog', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ productId: mug.id, quantity: 1 })
        .expect(401);
      expect(res.body.code).toBe('missing_token');
      expect(catalog.requests).toHaveLength(0);
    });

    it.each([
      ['answers 500', 'fail'],
      ['answers something that is not a product', 'garbage'],
      ['does not answer within CATALOG_TIMEOUT_MS', 'hang'],
    ] as const)(
      'answers 503 unavailable when the catalog %s, and orders nothing',
      async (_l, mode) => {
        const dave = t.signer.token({ userId: randomUUID() });
        catalog.mode = mode;
        const res = await order(dave, { productId: mug.id, quantity: 1 }).expect(503);
        expect(res.body.code).toBe('unavailable');
        catalog.mode = 'serve';
        await t.http().get('/orders').set(bearer(dave)).expect(200, []);
      },
    );
  });
});

describe('orders-service when catalog-service is down', () => {
  let t: OrdersTestApp;
  beforeAll(async () => {
    t = await startOrdersApp({ CATALOG_URL: await deadUrl() });
  });
  afterAll(() => t.close());

  it('answers 503 unavailable to a new order, and keeps serving existing ones', async () => {
    const token = t.signer.token();
    const res = await t
      .http()
      .post('/orders')
      .set(bearer(token))
      .send({ productId: randomUUID(), quantity: 1 })
      .expect(503);
    expect(res.body.code).toBe('unavailable');
    await t.http().get('/orders').set(bearer(token)).expect(200, []);
    await t.http().get('/health/ready').expect(200);
  });
});
