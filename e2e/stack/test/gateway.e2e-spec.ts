import http from 'node:http';
import { PASSWORD, call, signUp, uniqueEmail } from './support/client';
import type { Login } from './support/client';
import { Gateway } from './support/gateway';
import type { Upstreams } from './support/gateway';
import { RawSocket } from './support/raw-socket';
import { ServiceProcess, freePort } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Another loopback address: the client the gateway sees is then told apart from the gateway itself. */
const CLIENT_ADDRESS = '127.0.0.2';
const SPOOFED = '203.0.113.66';

/** A JSON POST sent from a chosen local address (fetch cannot bind one). */
function postFrom(
  url: string,
  localAddress: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: Login }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', connection: 'close', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Login,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

/** The first `name=value` pair of the Set-Cookie header that sets `name`, and its attributes. */
function cookie(res: { headers: Headers }, name: string): { pair: string; attributes: string } {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? '';
  const [pair, ...attributes] = line.split(';').map((part) => part.trim());
  return { pair, attributes: attributes.join('; ') };
}

const FEED_SECRET = 'gateway-test-feed-secret-0123456789abcdef';

describe('the compose gateway (nginx) in front of the stack', () => {
  let stack: Stack;
  let gateway: Gateway;
  let trustingAuth: ServiceProcess;
  let trustingGateway: Gateway;

  beforeAll(async () => {
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      env: { auth: { AUTH_REVOCATIONS_SECRET: FEED_SECRET } },
    });
    const at = (service: ServiceProcess) => `127.0.0.1:${service.port}`;
    const upstreams: Upstreams = {
      AUTH_UPSTREAM: at(stack.auth),
      CATALOG_UPSTREAM: at(stack.catalog),
      ORDERS_UPSTREAM: at(stack.orders),
      BILLING_UPSTREAM: at(stack.billing),
    };
    gateway = await Gateway.start(upstreams);
    // A second auth-service replica that believes X-Forwarded-For from the gateway only.
    trustingAuth = new ServiceProcess('auth-service', await freePort(), {
      ...stack.auth.env,
      HTTP_TRUST_PROXY: '127.0.0.1',
    });
    await trustingAuth.start();
    trustingGateway = await Gateway.start({ ...upstreams, AUTH_UPSTREAM: at(trustingAuth) });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([gateway?.stop(), trustingGateway?.stop()]);
    await trustingAuth?.stop();
    await stack?.stop();
  });

  it('routes each prefix to its service: login, JWKS, products, orders and the billing summary', async () => {
    const s = await signUp(gateway.url);
    expect(s.accessToken).toEqual(expect.any(String));
    const jwks = await call(`${gateway.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.body).toEqual((await call(`${stack.auth.url}/.well-known/jwks.json`)).body);
    const products = await call<{ id: string; priceCents: number }[]>(
      `${gateway.url}/catalog/products`,
    );
    expect(products.status).toBe(200);
    const [product] = products.body;
    const order = await call(`${gateway.url}/orders`, {
      token: s.accessToken,
      body: { productId: product.id, quantity: 2 },
    });
    expect(order.status).toBe(201);
    const orders = await call<{ id: string }[]>(`${gateway.url}/orders`, { token: s.accessToken });
    expect(orders.body.map((o) => o.id)).toEqual([order.body.id]);
    expect(
      (await call(`${gateway.url}/orders/${String(order.body.id)}`, { token: s.accessToken }))
        .status,
    ).toBe(200);
    const summary = await call(`${gateway.url}/billing/summary`, { token: s.accessToken });
    expect(summary.body).toEqual({
      userId: s.user.id,
      orderCount: 1,
      totalCents: product.priceCents * 2,
    });
  });

  it('answers a path no service owns, or one kept for service-to-service calls, with the JSON 404 of the API', async () => {
    const feed = { authorization: `Bearer ${FEED_SECRET}` };
    // auth-service itself serves the snapshot to the secret; the gateway never passes it on.
    expect(
      (await call(`${stack.auth.url}/auth/internal/revocations`, { headers: feed })).status,
    ).toBe(200);
    for (const path of [
      '/nowhere',
      '/ordersx',
      '/health/ready',
      '/auth/internal/revocations',
      '/__gateway_errors/503',
    ]) {
      const res = await call(`${gateway.url}${path}`, { headers: feed });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.body).toEqual({ code: 'not_found', message: 'Not found' });
    }
  });

  it('sends exactly one HSTS header on every answer: account page, API, JSON 404 and health', async () => {
    const seen: Record<string, string | null> = {};
    for (const path of [
      '/',
      '/app.js',
      '/catalog/products',
      '/.well-known/jwks.json',
      '/nowhere',
      '/healthz',
    ]) {
      const res = await fetch(`${gateway.url}${path}`);
      await res.arrayBuffer();
      // Two headers would read "a, b" here.
      seen[path] = res.headers.get('strict-transport-security');
    }
    expect(new Set(Object.values(seen))).toEqual(new Set(['max-age=31536000; includeSubDomains']));
  });

  it('keeps a browser on one origin: the access cookie alone opens every service, the refresh cookie refreshes', async () => {
    const email = uniqueEmail('browser');
    await call(`${gateway.url}/auth/register`, { body: { email, password: PASSWORD } });
    const loggedIn = await call<Partial<Login>>(`${gateway.url}/auth/login`, {
      body: { email, password: PASSWORD },
      headers: { 'x-auth-mode': 'cookie' },
    });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.accessToken).toBeUndefined();
    const access = cookie(loggedIn, 'access_token');
    const refresh = cookie(loggedIn, 'refresh_token');
    expect(access.attributes).toMatch(/HttpOnly/i);
    expect(refresh.attributes).toMatch(/Path=\/auth/);
    for (const service of ['catalog', 'orders', 'billing']) {
      const res = await call(`${gateway.url}/${service}/me`, { headers: { cookie: access.pair } });
      expect({ service, status: res.status, userId: res.body.userId }).toEqual({
        service,
        status: 200,
        userId: loggedIn.body.user?.id,
      });
    }
    // The gateway passes the Host on, so auth-service sees the origin the browser sees:
    // another site is refused, the gateway's own origin is not.
    const foreign = await call(`${gateway.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: refresh.pair, origin: 'https://elsewhere.example' },
    });
    expect({ status: foreign.status, code: foreign.body.code }).toEqual({
      status: 403,
      code: 'csrf_rejected',
    });
    const refreshed = await call(`${gateway.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: refresh.pair, origin: gateway.url },
    });
    expect(refreshed.status).toBe(200);
    expect(cookie(refreshed, 'access_token').pair).not.toBe(access.pair);
  });

  it('ignores a spoofed X-Forwarded-For unless HTTP_TRUST_PROXY names the gateway, and then believes only the hop the gateway saw', async () => {
    const ipOfLogin = async (via: Gateway): Promise<string> => {
      const s = await signUp(via.url);
      const spoofed = await postFrom(
        `${via.url}/auth/login`,
        CLIENT_ADDRESS,
        { email: s.user.email, password: PASSWORD },
        { 'x-forwarded-for': SPOOFED },
      );
      expect(spoofed.status).toBe(200);
      const sessions = await call<{ current: boolean; ip: string }[]>(`${via.url}/auth/sessions`, {
        token: spoofed.body.accessToken,
      });
      return sessions.body.find((session) => session.current)?.ip ?? '';
    };
    // Not trusted: the address is the gateway's own connection.
    expect(await ipOfLogin(gateway)).toBe('127.0.0.1');
    // Trusted: the client address the gateway appended, never what the client claimed.
    expect(await ipOfLogin(trustingGateway)).toBe(CLIENT_ADDRESS);
  });

  it("answers nginx's own refusals in the API's JSON envelope, and a service that is down with 503 unavailable", async () => {
    const json = (res: { status: number; headers: Headers; body: unknown }) => ({
      status: res.status,
      type: res.headers.get('content-type'),
      body: res.body,
    });
    const tooLarge = await call(`${gateway.url}/auth/login`, {
      body: { email: 'a@example.com', password: 'x'.repeat(70_000) },
    });
    expect(json(tooLarge)).toEqual({
      status: 413,
      type: 'application/json',
      body: { code: 'payload_too_large', message: 'Request body is too large' },
    });
    const longUri = await call(`${gateway.url}/catalog/products?q=${'x'.repeat(20_000)}`);
    expect(json(longUri)).toMatchObject({
      status: 414,
      type: 'application/json',
      body: { code: 'validation_failed' },
    });
    const raw = await RawSocket.connect(gateway.port);
    await raw.write('NOT A REQUEST\r\n\r\n');
    const malformed = await raw.answer();
    raw.destroy();
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toBe('application/json');
    expect(JSON.parse(malformed.body)).toEqual({
      code: 'validation_failed',
      message: 'Malformed request',
    });

    // Nothing listens at the catalog's address: the gateway's 502 becomes the contract's 503.
    const broken = await Gateway.start({
      AUTH_UPSTREAM: `127.0.0.1:${stack.auth.port}`,
      CATALOG_UPSTREAM: `127.0.0.1:${await freePort()}`,
      ORDERS_UPSTREAM: `127.0.0.1:${stack.orders.port}`,
      BILLING_UPSTREAM: `127.0.0.1:${stack.billing.port}`,
    });
    try {
      expect(json(await call(`${broken.url}/catalog/products`))).toEqual({
        status: 503,
        type: 'application/json',
        body: { code: 'unavailable', message: 'The service behind this path is not reachable' },
      });
      // A service's own answer passes through untouched, its status and body included.
      const missing = await call(`${broken.url}/auth/nowhere`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'not_found' });
    } finally {
      await broken.stop();
    }
  });
});
