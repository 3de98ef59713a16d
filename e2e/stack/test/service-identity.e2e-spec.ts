import { ServiceTokens } from '@hybrid-auth/auth-guard';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { call, signUp } from './support/client';
import { me } from './support/revocation';
import { eventually } from './support/service-process';
import { ISSUER, Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('service identity across the stack: exchanged tokens, one audience each', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.create({ redisUrl: MACHINE_REDIS });
  }, 90_000);
  afterAll(() => stack?.stop());

  /** What orders-service holds: its own key, as npm start generated it. */
  const asOrders = () =>
    new ServiceTokens({
      tokenUrl: `${stack.auth.url}/auth/token`,
      issuer: ISSUER,
      clientId: 'orders-service',
      privateKey: JSON.parse(readFileSync(stack.identity.keyFiles.orders, 'utf8')),
    });

  /** Client assertions auth-service recorded, per client: who exchanged. */
  async function assertionsBy(): Promise<Record<string, number>> {
    const db = new Client({ connectionString: stack.databases.auth.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ client_id: string; n: string }>(
        'SELECT client_id, count(*) AS n FROM client_assertions GROUP BY client_id',
      );
      return Object.fromEntries(rows.map((r) => [r.client_id, Number(r.n)]));
    } finally {
      await db.end();
    }
  }

  it('places an order and sums it up with exchanged tokens (orders → catalog, billing → orders)', async () => {
    const before = await assertionsBy();
    const s = await signUp(stack.auth.url);
    const products = await call<{ id: string; priceCents: number }[]>(
      `${stack.catalog.url}/catalog/products`,
    );
    const product = products.body[0];
    for (let i = 0; i < 2; i++) {
      const order = await call(`${stack.orders.url}/orders`, {
        token: s.accessToken,
        body: { productId: product.id, quantity: 2 },
      });
      expect(order.status).toBe(201);
    }
    for (let i = 0; i < 2; i++) {
      const summary = await call(`${stack.billing.url}/billing/summary`, { token: s.accessToken });
      expect(summary.status).toBe(200);
      expect(summary.body).toEqual({
        userId: s.user.id,
        orderCount: 2,
        totalCents: product.priceCents * 4,
      });
    }
    const after = await assertionsBy();
    // One exchange per user and edge: the second call of each pair used the cached token.
    expect((after['orders-service'] ?? 0) - (before['orders-service'] ?? 0)).toBe(1);
    expect((after['billing-service'] ?? 0) - (before['billing-service'] ?? 0)).toBe(1);
  });

  it('an exchanged catalog token is accepted by catalog only, and a logout refuses it there', async () => {
    const s = await signUp(stack.auth.url);
    const token = await asOrders().exchange(s.accessToken, 'catalog-service');
    const ok = await me(stack.catalog, token);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ userId: s.user.id, sessionId: s.sessionId, role: 'user' });
    for (const service of [stack.orders, stack.billing]) {
      const res = await me(service, token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
    }
    expect((await call(`${stack.auth.url}/auth/me`, { token })).status).toBe(401);
    await call(`${stack.auth.url}/auth/logout`, { token: s.accessToken, method: 'POST' });
    await eventually(async () => {
      const res = await me(stack.catalog, token);
      return res.status === 401 && res.body.code === 'session_revoked';
    });
  });

  it('orders-service may not ask for billing or auth-service tokens', async () => {
    const s = await signUp(stack.auth.url);
    for (const audience of ['billing-service', 'auth-service', 'orders-service']) {
      await expect(asOrders().exchange(s.accessToken, audience)).rejects.toMatchObject({
        code: 'invalid_target',
      });
    }
  });
});
