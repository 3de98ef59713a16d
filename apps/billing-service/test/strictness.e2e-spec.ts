import { randomUUID } from 'node:crypto';
import { bearer, eventually, startBillingApp } from './harness';
import type { BillingTestApp } from './harness';
import { OrdersStub } from './orders-stub';

// billing-service is strict: with a budget of 300 ms, every route refuses once no relay
// heartbeat has arrived for that long, and serves again as soon as one does.
describe('billing-service strictness', () => {
  const orders = new OrdersStub();
  let t: BillingTestApp;
  let token: string;
  beforeAll(async () => {
    await orders.start();
    t = await startBillingApp(
      { ORDERS_URL: orders.url, AUTH_STRICT_BUDGET_MS: '1500' },
      { heartbeats: false },
    );
    token = t.signer.token({ audience: ['billing-service', 'orders-service'] });
    orders.ordersByToken.set(token, []);
  });
  afterAll(async () => {
    await t.close();
    await orders.stop();
  });

  const me = () => t.http().get('/billing/me').set(bearer(token));
  const summary = () => t.http().get('/billing/summary').set(bearer(token));

  it('refuses with 503 unavailable before any heartbeat was seen', async () => {
    const res = await me().expect(503);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('serves while heartbeats are fresh', async () => {
    await t.relay.startHeartbeats(50);
    await eventually(me, 200);
    await eventually(summary, 200);
    await eventually(() => t.http().get('/health/ready'), 200);
  });

  it('refuses every route with 503 unavailable once heartbeats stop for longer than the budget', async () => {
    t.relay.stopHeartbeats();
    await eventually(me, 503);
    const res = await summary().expect(503);
    expect(res.body.code).toBe('unavailable');
    expect(orders.requests.length).toBeGreaterThan(0);
    const before = orders.requests.length;
    await summary().expect(503);
    expect(orders.requests).toHaveLength(before);
    // Probes are public: liveness holds, readiness reports the stale feed.
    await t.http().get('/health/live').expect(200);
    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.checks.auth.status).toBe('down');
  });

  it('serves again as soon as a heartbeat arrives', async () => {
    await t.relay.startHeartbeats(50);
    await eventually(me, 200);
    await eventually(summary, 200);
  });

  it('refuses a session revoked through the stream with 401 session_revoked', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    const revoked = t.signer.token({ userId, sessionId });
    await eventually(() => t.http().get('/billing/me').set(bearer(revoked)), 200);
    await t.relay.revokeSession(sessionId, userId);
    await eventually(() => t.http().get('/billing/me').set(bearer(revoked)), 401);
    const res = await t.http().get('/billing/me').set(bearer(revoked)).expect(401);
    expect(res.body.code).toBe('session_revoked');
  });
});
