import { randomUUID } from 'node:crypto';
import { bearer, startBillingApp } from './harness';
import type { BillingTestApp } from './harness';
import { OrdersStub } from './orders-stub';

const AUDIENCES = ['billing-service', 'orders-service'];

/** docs/mfa.md, "Billing policy": users with a second factor must have used it. */
describe('billing-service asks aal2 of users who enrolled a second factor', () => {
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

  const summary = (claims: Record<string, unknown>) => {
    const token = t.signer.token({ userId: randomUUID(), audience: AUDIENCES, claims });
    orders.ordersByToken.set(token, []);
    return t.http().get('/billing/summary').set(bearer(token));
  };

  it('refuses an aal1 token of an enrolled user with insufficient_user_authentication, asking nothing of orders', async () => {
    orders.requests.length = 0;
    const res = await summary({ aal: 'aal1', amr: ['pwd'], mfa_enrolled: true }).expect(401);
    expect(res.body.code).toBe('insufficient_user_authentication');
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_user_authentication".*acr_values="aal2"/,
    );
    expect(orders.requests).toHaveLength(0);
  });

  it('serves the same user at aal2', async () => {
    await summary({ aal: 'aal2', amr: ['pwd', 'otp'], mfa_enrolled: true }).expect(200);
  });

  it('serves users without a second factor at aal1', async () => {
    await summary({ aal: 'aal1', amr: ['pwd'], mfa_enrolled: false }).expect(200);
  });
});
