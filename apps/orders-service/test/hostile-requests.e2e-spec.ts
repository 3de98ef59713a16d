import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CatalogStub } from './catalog-stub';
import { bearer, startOrdersApp } from './harness';
import type { OrdersTestApp } from './harness';

/** 8,000 `[` then 8,000 `]`: 16 kB, under the body limit, deep enough to overflow the stack. */
const DEEP = '['.repeat(8000) + ']'.repeat(8000);

describe('orders-service: hostile requests', () => {
  const catalog = new CatalogStub();
  const mug = catalog.add({ id: randomUUID(), name: 'Ceramic mug', priceCents: 1250 });
  let t: OrdersTestApp;
  let errors: jest.SpyInstance;
  beforeAll(async () => {
    await catalog.start();
    t = await startOrdersApp({ CATALOG_URL: catalog.url, ORDERS_RATE_LIMIT: '2' });
  });
  afterAll(async () => {
    await t.close();
    await catalog.stop();
  });
  beforeEach(() => {
    catalog.requests.length = 0;
    errors = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a 16 kB deeply nested body with 400 validation_failed, logging no error', async () => {
    const userId = randomUUID();
    const token = t.signer.token({ userId });
    for (const body of [DEEP, `{"productId":"${mug.id}","quantity":${DEEP}}`]) {
      const res = await t
        .http()
        .post('/orders')
        .set(bearer(token))
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', details: [{ field: '(body)' }] });
    }
    expect(errors).not.toHaveBeenCalled();
    expect(catalog.requests).toHaveLength(0);
    // Refused before the order rate limit counted anything: both allowed orders remain.
    const order = () =>
      t.http().post('/orders').set(bearer(token)).send({ productId: mug.id, quantity: 1 });
    await order().expect(201);
    await order().expect(201);
    await order().expect(429);
  });

  it('answers GET /orders/<300 digits> with 414 {code, message}, without the URL', async () => {
    const digits = '7'.repeat(300);
    const res = await t.http().get(`/orders/${digits}`).set(bearer(t.signer.token())).expect(414);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ code: 'validation_failed', message: 'The URL is too long' });
    expect(res.text).not.toContain(digits.slice(0, 20));
    expect(errors).not.toHaveBeenCalled();
  });

  it.each([
    ['a __proto__ key', `{"productId":"${randomUUID()}","quantity":1,"__proto__":{"x":1}}`],
    [
      'a constructor.prototype path',
      `{"productId":"${randomUUID()}","quantity":1,"constructor":{"prototype":{"x":1}}}`,
    ],
  ])('refuses %s with 400 validation_failed before any work', async (_label, body) => {
    const res = await t
      .http()
      .post('/orders')
      .set(bearer(t.signer.token()))
      .set('content-type', 'application/json')
      .send(body)
      .expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(catalog.requests).toHaveLength(0);
  });
});
