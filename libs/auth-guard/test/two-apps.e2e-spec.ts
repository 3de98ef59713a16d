import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestTokenSigner } from '../src/testing';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const signer = new TestTokenSigner('http://auth.test', 'catalog-service');

describe.each<Adapter>(['fastify', 'express'])('two apps in one process on %s', (adapter) => {
  let catalog: INestApplication;
  let orders: INestApplication;
  const base = { issuer: signer.issuer, keys: signer.jwks };
  const forCatalog = () => signer.token({ audience: ['catalog-service'] });
  const forOrders = () => signer.token({ audience: ['orders-service'] });
  const call = (app: INestApplication, token: string) =>
    request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    // Registered in this order, a shared passport singleton would leave only the orders
    // strategy in place, and the catalog app would verify with the orders audience.
    catalog = await createProbeApp(adapter, { ...base, audience: 'catalog-service' });
    orders = await createProbeApp(adapter, { ...base, audience: 'orders-service' });
  });

  afterAll(async () => {
    await catalog?.close();
    await orders?.close();
  });

  it('lets each app accept only tokens for its own audience', async () => {
    await call(catalog, forCatalog()).expect(200);
    await call(orders, forOrders()).expect(200);
    const intoCatalog = await call(catalog, forOrders()).expect(401);
    expect(intoCatalog.body.code).toBe('invalid_token');
    const intoOrders = await call(orders, forCatalog()).expect(401);
    expect(intoOrders.body.code).toBe('invalid_token');
  });

  it('keeps the audiences apart under interleaved concurrent requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const app = i % 2 === 0 ? catalog : orders;
        const ownToken = i % 4 < 2;
        const token = (app === catalog) === ownToken ? forCatalog() : forOrders();
        return call(app, token).then((res) => ({ ownToken, status: res.status }));
      }),
    );
    for (const { ownToken, status } of results) expect(status).toBe(ownToken ? 200 : 401);
  });

  it('keeps serving one app after the other is closed', async () => {
    const other = await createProbeApp(adapter, { ...base, audience: 'billing-service' });
    await other.close();
    await call(catalog, forCatalog()).expect(200);
    await call(orders, forOrders()).expect(200);
    await call(orders, forCatalog()).expect(401);
  });
});
