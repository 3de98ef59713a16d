import { randomUUID } from 'node:crypto';
import { CatalogStub } from './catalog-stub';
import { bearer, startOrdersApp } from './harness';
import type { OrdersTestApp } from './harness';

describe('orders-service reads', () => {
  const catalog = new CatalogStub();
  const mug = catalog.add({ id: randomUUID(), name: 'Ceramic mug', priceCents: 1250 });
  const grand = catalog.add({ id: randomUUID(), name: 'Grand piano', priceCents: 100_000_000 });
  let t: OrdersTestApp;

  beforeAll(async () => {
    await catalog.start();
    t = await startOrdersApp({ CATALOG_URL: catalog.url });
  });
  afterAll(async () => {
    await t.close();
    await catalog.stop();
  });

  const order = (token: string, body: object) =>
    t.http().post('/orders').set(bearer(token)).send(body);

  describe('GET /orders and GET /orders/:id', () => {
    let ownerToken: string;
    let otherToken: string;
    let ownerOrders: { id: string }[];
    let otherOrder: { id: string };
    beforeAll(async () => {
      ownerToken = t.signer.token({ userId: randomUUID() });
      otherToken = t.signer.token({ userId: randomUUID() });
      const first = await order(ownerToken, { productId: mug.id, quantity: 1 }).expect(201);
      const second = await order(ownerToken, { productId: grand.id, quantity: 2 }).expect(201);
      ownerOrders = [second.body, first.body];
      otherOrder = (await order(otherToken, { productId: mug.id, quantity: 5 }).expect(201)).body;
    });

    it("lists the caller's orders only, newest first", async () => {
      const res = await t.http().get('/orders').set(bearer(ownerToken)).expect(200);
      expect(res.body).toEqual(ownerOrders);
      const others = await t.http().get('/orders').set(bearer(otherToken)).expect(200);
      expect(others.body.map((o: { id: string }) => o.id)).toContain(otherOrder.id);
      expect(others.body.map((o: { id: string }) => o.id)).not.toContain(ownerOrders[0].id);
    });

    it('lists nothing for a user without orders', async () => {
      await t.http().get('/orders').set(bearer(t.signer.token())).expect(200, []);
    });

    it("returns one of the caller's own orders", async () => {
      const res = await t
        .http()
        .get(`/orders/${ownerOrders[0].id}`)
        .set(bearer(ownerToken))
        .expect(200);
      expect(res.body).toEqual(ownerOrders[0]);
    });

    it("answers 404 not_found for someone else's order, as for a missing one", async () => {
      const theirs = await t
        .http()
        .get(`/orders/${otherOrder.id}`)
        .set(bearer(ownerToken))
        .expect(404);
      const missing = await t
        .http()
        .get(`/orders/${randomUUID()}`)
        .set(bearer(ownerToken))
        .expect(404);
      expect(theirs.body).toEqual(missing.body);
      expect(theirs.body.code).toBe('not_found');
    });

    it('answers 400 validation_failed for an id that is not a UUID', async () => {
      const res = await t.http().get('/orders/42').set(bearer(ownerToken)).expect(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('refuses both without a token with 401 missing_token', async () => {
      expect((await t.http().get('/orders').expect(401)).body.code).toBe('missing_token');
      const one = await t.http().get(`/orders/${otherOrder.id}`).expect(401);
      expect(one.body.code).toBe('missing_token');
    });
  });

  describe('operations', () => {
    it('answers liveness, readiness, metrics and OpenAPI', async () => {
      await t.http().get('/health/live').expect(200, { status: 'ok' });
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.checks).toEqual({ auth: { status: 'ok' }, database: { status: 'ok' } });
      expect((await t.http().get('/metrics').expect(200)).text).toContain(
        'http_request_duration_seconds',
      );
      const docs = await t.http().get('/docs/openapi.json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(
        expect.arrayContaining(['/orders', '/orders/summary', '/orders/{id}', '/orders/me']),
      );
      expect(Object.keys(docs.body.paths['/orders'].post.responses).sort()).toEqual([
        '201',
        '400',
        '401',
        '404',
        '429',
        '503',
      ]);
    });
  });
});
