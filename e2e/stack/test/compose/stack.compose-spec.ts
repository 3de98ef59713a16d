import { call, signUp } from '../support/client';
import { eventually } from '../support/service-process';
import {
  GATEWAY_URL,
  addresses,
  addressesByNetwork,
  nodeIn,
  publishedPorts,
  secret,
  tcpFrom,
} from './containers';

/** docs/api.md: a revocation reaches every service within one second. */
const REVOCATION_BOUND_MS = 1_000;
const ME = ['/auth/me', '/catalog/me', '/orders/me', '/billing/me'];
const NODE_SERVICES = ['auth-service', 'catalog-service', 'orders-service', 'billing-service'];

describe('docker compose up: the stack through its gateway', () => {
  it('serves the account page and the JWKS', async () => {
    const page = await fetch(`${GATEWAY_URL}/`, { headers: { connection: 'close' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const jwks = await call<{ keys: { alg: string; kid: string; d?: string }[] }>(
      `${GATEWAY_URL}/.well-known/jwks.json`,
    );
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    for (const key of jwks.body.keys) {
      expect(key.alg).toBe('ES256');
      expect(Object.keys(key)).not.toContain('d'); // public keys only
    }
  });

  it('registers, logs in, answers every /me, places an order, and logout is refused everywhere within the bound', async () => {
    const s = await signUp(GATEWAY_URL);
    for (const route of ME) {
      const res = await call(`${GATEWAY_URL}${route}`, { token: s.accessToken });
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
      expect([res.body.id, res.body.userId]).toContain(s.user.id);
    }
    const products = await call<{ id: string; priceCents: number }[]>(
      `${GATEWAY_URL}/catalog/products`,
    );
    const [product] = products.body;
    const order = await call(`${GATEWAY_URL}/orders`, {
      token: s.accessToken,
      body: { productId: product.id, quantity: 3 },
    });
    expect(order.status).toBe(201);
    const summary = await call(`${GATEWAY_URL}/billing/summary`, { token: s.accessToken });
    expect(summary.body).toEqual({
      userId: s.user.id,
      orderCount: 1,
      totalCents: product.priceCents * 3,
    });

    const logout = await call(`${GATEWAY_URL}/auth/logout`, {
      method: 'POST',
      token: s.accessToken,
    });
    expect(logout.status).toBe(204);
    await Promise.all(
      ME.map((route) =>
        eventually(async () => {
          const res = await call(`${GATEWAY_URL}${route}`, { token: s.accessToken });
          return res.status === 401 && res.body.code === 'session_revoked';
        }, REVOCATION_BOUND_MS),
      ),
    );
  });

  it('keeps /auth/internal/* from outside: the gateway answers 404 even to the right secret, which a service inside is served', async () => {
    const feed = { authorization: `Bearer ${secret('revocations_secret')}` };
    for (const path of ['/auth/internal/revocations', '/auth/internal/', '/auth/internal']) {
      const res = await call(`${GATEWAY_URL}${path}`, { headers: feed });
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 404,
        body: { code: 'not_found', message: 'Not found' },
      });
    }
    const inside = nodeIn(
      'billing-service',
      `fetch('http://auth-service:3000/auth/internal/revocations', {
         headers: { authorization: 'Bearer ' + require('node:fs').readFileSync('/run/secrets/revocations_secret', 'utf8').trim() },
       }).then((res) => console.log(res.status))`,
    );
    expect(inside).toBe('200');
    // Only the gateway publishes a port, on the host’s loopback (and the mail catcher, see
    // mail.compose-spec.ts).
    expect(publishedPorts('gateway')).toEqual([`127.0.0.1:${new URL(GATEWAY_URL).port}`]);
    for (const service of [...NODE_SERVICES, 'auth-db', 'app-db', 'redis']) {
      expect({ service, ports: publishedPorts(service) }).toEqual({ service, ports: [] });
    }
  });

  it('runs each service as a user without privileges, on a read-only root filesystem (not even its home is writable)', () => {
    const probe = `
      const fs = require('node:fs');
      const writable = (dir) => { try { fs.writeFileSync(dir + '/probe', ''); fs.rmSync(dir + '/probe'); return true; } catch { return false; } };
      console.log(JSON.stringify({ uid: process.getuid(), home: writable('/home/node'), tmp: writable('/tmp'),
        capabilities: /CapEff:\\s*0+$/m.test(fs.readFileSync('/proc/self/status', 'utf8')) ? 'none' : 'some' }))`;
    for (const service of NODE_SERVICES) {
      expect({ service, ...(JSON.parse(nodeIn(service, probe)) as object) }).toEqual({
        service,
        uid: 1000,
        home: false,
        tmp: true,
        capabilities: 'none',
      });
    }
  });

  describe('network isolation, seen from inside the containers', () => {
    // [from, to, port, reachable]: each database from its own services only.
    const PROMISES = [
      ['auth-service', 'auth-db', 5432, true],
      ['auth-service', 'app-db', 5432, false],
      ['catalog-service', 'app-db', 5432, true],
      ['catalog-service', 'auth-db', 5432, false],
      ['orders-service', 'app-db', 5432, true],
      ['orders-service', 'auth-db', 5432, false],
      ['billing-service', 'auth-db', 5432, false],
      ['billing-service', 'app-db', 5432, false],
      ['billing-service', 'redis', 6379, true],
    ] as const;

    it('lets each service reach the databases it owns and no other, by name or by address', async () => {
      const seen = await Promise.all(
        PROMISES.map(async ([from, to, port, reachable]) => {
          // Not even by address: no route leads from one network to another.
          const targets = [to, ...(reachable ? [] : addresses(to))].map((h) => `${h}:${port}`);
          const results = await tcpFrom(from, targets);
          return [from, to, port, results.map((r) => r === 'open')];
        }),
      );
      expect(seen).toEqual(
        PROMISES.map(([from, to, port, reachable]) => [
          from,
          to,
          port,
          reachable ? [true] : [false, ...addresses(to).map(() => false)],
        ]),
      );
    });

    it('keeps the services off the edge network: the gateway answers them on the backend only', async () => {
      const gateway = addressesByNetwork('gateway');
      expect(Object.keys(gateway).sort()).toEqual(['backend', 'edge']);
      const seen = await Promise.all(
        NODE_SERVICES.map(async (service) => {
          const networks = Object.keys(addressesByNetwork(service));
          const [backend, edge] = await tcpFrom(service, [
            `${gateway.backend}:8080`,
            `${gateway.edge}:8080`,
          ]);
          return { service, onEdge: networks.includes('edge'), backend, edge: edge === 'open' };
        }),
      );
      expect(seen).toEqual(
        NODE_SERVICES.map((service) => ({ service, onEdge: false, backend: 'open', edge: false })),
      );
    });
  });
});
