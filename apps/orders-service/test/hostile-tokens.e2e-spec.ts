import { hostileTokens } from '@hybrid-auth/auth-guard/testing';
import { startOrdersApp, bearer } from './harness';
import type { OrdersTestApp } from './harness';

/** The shared corpus of malformed and malicious access tokens, at this service's guard. */
describe('hostile access tokens at orders-service', () => {
  let t: OrdersTestApp;
  beforeAll(async () => {
    t = await startOrdersApp();
  });
  afterAll(() => t.close());

  it('answers every one with 401 (or 431 for oversized headers), never 2xx or 5xx, and keeps serving', async () => {
    const corpus = hostileTokens(t.signer, 'orders-service');
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const wrong: string[] = [];
    for (const hostile of corpus) {
      const res = await t.http().get('/orders/me').set(bearer(hostile.token));
      const ok = hostile.expectStatus
        ? [hostile.expectStatus, 401].includes(res.status)
        : res.status === 401 && res.body.code === hostile.code;
      if (!ok) wrong.push(`${hostile.name}: ${res.status} ${res.body?.code}`);
    }
    expect(wrong).toEqual([]);
    await t.http().get('/orders/me').set(bearer(t.signer.token())).expect(200);
  });
});
