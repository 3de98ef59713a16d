import { randomUUID } from 'node:crypto';
import { bearer, startBillingApp } from './harness';
import type { BillingTestApp } from './harness';
import { OrdersStub, deadUrl } from './orders-stub';
import type { StubOrder } from './orders-stub';

const AUDIENCES = ['billing-service', 'orders-service'];

const stubOrder = (totalCents: number): StubOrder => ({
  id: randomUUID(),
  productId: randomUUID(),
  quantity: 1,
  totalCents,
  createdAt: new Date().toISOString(),
});

describe('billing-service', () => {
  const orders = new OrdersStub();
  let t: BillingTestApp;
  beforeAll(async () => {
    await orders.start();
    t = await startBillingApp({ ORDERS_URL: orders.url, ORDERS_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await t.close();
    await orders.stop();
  });
  beforeEach(() => {
    orders.mode = 'serve';
    orders.refusalCode = 'invalid_token';
    orders.requests.length = 0;
  });

  /** A caller whose token orders-service (the stub) knows, with these orders. */
  function caller(totals: number[]) {
    const userId = randomUUID();
    const token = t.signer.token({ userId, audience: AUDIENCES });
    orders.ordersByToken.set(token, totals.map(stubOrder));
    return { userId, token };
  }

  describe('GET /billing/me', () => {
    it('answers who the caller is from the token alone', async () => {
      const { userId, token } = caller([]);
      const res = await t.http().get('/billing/me').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ userId, sessionId: expect.any(String), role: 'user' });
      expect(orders.requests).toHaveLength(0);
    });

    it('refuses a request without a token with 401 missing_token', async () => {
      const res = await t.http().get('/billing/me').expect(401);
      expect(res.body.code).toBe('missing_token');
    });

    it('refuses a token made for a sibling service with 401 invalid_token', async () => {
      const token = t.signer.token({ audience: ['orders-service'] });
      const res = await t.http().get('/billing/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it('refuses an expired token with 401 token_expired', async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 3600;
      const token = t.signer.token({ issuedAt, audience: AUDIENCES });
      const res = await t.http().get('/billing/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('token_expired');
    });
  });

  describe('GET /billing/summary', () => {
    it("sums the caller's orders, asking orders-service with the caller's own token", async () => {
      const { userId, token } = caller([1250, 3750, 100_000_000_000]);
      const res = await t
        .http()
        .get('/billing/summary')
        .set(bearer(token))
        .set('x-request-id', 'req-7')
        .expect(200);
      expect(res.body).toEqual({ userId, orderCount: 3, totalCents: 100_000_005_000 });
      expect(orders.requests).toHaveLength(1);
      expect(orders.requests[0].url).toBe('/orders/summary');
      expect(orders.requests[0].headers.authorization).toBe(`Bearer ${token}`);
      expect(orders.requests[0].headers['x-request-id']).toBe('req-7');
    });

    it('sums 5,000 orders from one aggregate answer, never asking for the orders themselves', async () => {
      const totals = Array.from({ length: 5_000 }, (_, i) => 100 + (i % 997));
      const { userId, token } = caller(totals);
      const res = await t.http().get('/billing/summary').set(bearer(token)).expect(200);
      const totalCents = totals.reduce((sum, cents) => sum + cents, 0);
      expect(res.body).toEqual({ userId, orderCount: 5_000, totalCents });
      expect(orders.requests.map((r) => r.url)).toEqual(['/orders/summary']);
    });

    it('answers zeros for a caller without orders', async () => {
      const { userId, token } = caller([]);
      const res = await t.http().get('/billing/summary').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ userId, orderCount: 0, totalCents: 0 });
    });

    it('forwards a token that came in the access-token cookie as a bearer token', async () => {
      const { token } = caller([500]);
      await t
        .http()
        .get('/billing/summary')
        .set('cookie', `__Host-access_token=${token}`)
        .expect(200);
      expect(orders.requests[0].headers.authorization).toBe(`Bearer ${token}`);
    });

    it('refuses a request without a token with 401 missing_token, without asking orders', async () => {
      const res = await t.http().get('/billing/summary').expect(401);
      expect(res.body.code).toBe('missing_token');
      expect(orders.requests).toHaveLength(0);
    });

    it.each(['invalid_token', 'token_expired', 'session_revoked', 'token_stale'])(
      'passes a 401 %s from orders-service through with its code',
      async (code) => {
        orders.refusalCode = code;
        const token = t.signer.token({ audience: AUDIENCES });
        const res = await t.http().get('/billing/summary').set(bearer(token)).expect(401);
        expect(res.body.code).toBe(code);
        expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      },
    );

    it('passes a 401 through when the token lacks orders-service in its audience', async () => {
      // The stub plays orders-service's audience check: it was given no orders for this token.
      const token = t.signer.token({ audience: ['billing-service'] });
      const res = await t.http().get('/billing/summary').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it('answers 401 invalid_token when orders-service refuses with an unknown code', async () => {
      orders.refusalCode = 'something_else';
      const token = t.signer.token({ audience: AUDIENCES });
      const res = await t.http().get('/billing/summary').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it.each([
      ['answers 500', 'fail'],
      ['answers something that is not a summary', 'garbage'],
      ['does not answer within ORDERS_TIMEOUT_MS', 'hang'],
    ] as const)('answers 503 unavailable when orders-service %s', async (_label, mode) => {
      const { token } = caller([100]);
      orders.mode = mode;
      const res = await t.http().get('/billing/summary').set(bearer(token)).expect(503);
      expect(res.body.code).toBe('unavailable');
    });
  });

  describe('operations', () => {
    it('answers liveness, readiness, metrics and OpenAPI', async () => {
      await t.http().get('/health/live').expect(200, { status: 'ok' });
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.checks).toEqual({ auth: { status: 'ok' } });
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toContain('auth_guard_feed_heartbeat_age_seconds');
      const docs = await t.http().get('/docs/openapi.json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(
        expect.arrayContaining(['/billing/me', '/billing/summary']),
      );
      expect(Object.keys(docs.body.paths['/billing/summary'].get.responses).sort()).toEqual([
        '200',
        '401',
        '503',
      ]);
    });
  });
});

describe('billing-service when orders-service is down', () => {
  let t: BillingTestApp;
  beforeAll(async () => {
    t = await startBillingApp({ ORDERS_URL: await deadUrl() });
  });
  afterAll(() => t.close());

  it('answers 503 unavailable to a summary, and keeps answering /billing/me', async () => {
    const token = t.signer.token({ audience: AUDIENCES });
    const res = await t.http().get('/billing/summary').set(bearer(token)).expect(503);
    expect(res.body.code).toBe('unavailable');
    await t.http().get('/billing/me').set(bearer(token)).expect(200);
  });
});
