import { randomUUID } from 'node:crypto';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { DEMO_PRODUCTS } from '../src/migrations/1764400000000-create-products';
import { AUDIENCE, ISSUER, bearer, startCatalogApp } from './harness';
import type { CatalogTestApp } from './harness';

describe('catalog-service', () => {
  let t: CatalogTestApp;
  let userToken: string;
  let adminToken: string;
  beforeAll(async () => {
    t = await startCatalogApp();
    userToken = t.signer.token({ role: 'user' });
    adminToken = t.signer.token({ role: 'admin' });
  });
  afterAll(() => t.close());

  describe('GET /catalog/me', () => {
    it('answers who the caller is from the token alone', async () => {
      const token = t.signer.token({ userId: randomUUID(), role: 'admin' });
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      const res = await t.http().get('/catalog/me').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ userId: claims.sub, sessionId: claims.sid, role: 'admin' });
    });

    it('accepts the token from the access-token cookie too', async () => {
      await t
        .http()
        .get('/catalog/me')
        .set('cookie', `__Host-access_token=${userToken}`)
        .expect(200);
    });

    it('refuses a request without a token with 401 missing_token', async () => {
      const res = await t.http().get('/catalog/me').expect(401);
      expect(res.body.code).toBe('missing_token');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('refuses a token made for a sibling service with 401 invalid_token', async () => {
      const token = t.signer.token({ audience: ['orders-service'] });
      const res = await t.http().get('/catalog/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('refuses a token signed by an unknown key with 401 invalid_token', async () => {
      const stranger = new TestTokenSigner(ISSUER, AUDIENCE);
      const res = await t.http().get('/catalog/me').set(bearer(stranger.token())).expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it('refuses a token from another issuer with 401 invalid_token', async () => {
      const token = t.signer.token({ claims: { iss: 'http://elsewhere.test' } });
      const res = await t.http().get('/catalog/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it('refuses an expired token with 401 token_expired', async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 3600;
      const token = t.signer.token({ issuedAt, expiresIn: 900 });
      const res = await t.http().get('/catalog/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('token_expired');
    });

    it('never reads a token from the query string', async () => {
      const res = await t.http().get(`/catalog/me?access_token=${userToken}`).expect(401);
      expect(res.body.code).toBe('missing_token');
    });
  });

  describe('GET /catalog/products', () => {
    it('lists the demo products to anyone, without a token', async () => {
      const res = await t.http().get('/catalog/products').expect(200);
      for (const demo of DEMO_PRODUCTS) {
        expect(res.body).toContainEqual({
          id: demo.id,
          name: demo.name,
          priceCents: demo.priceCents,
          createdAt: expect.any(String),
        });
      }
    });

    it('still answers when an invalid token is sent to a public route', async () => {
      await t.http().get('/catalog/products').set(bearer('not-a-jwt')).expect(200);
    });
  });

  describe('GET /catalog/products/:id', () => {
    it('returns one product to anyone', async () => {
      const [demo] = DEMO_PRODUCTS;
      const res = await t.http().get(`/catalog/products/${demo.id}`).expect(200);
      expect(res.body).toMatchObject({ id: demo.id, name: demo.name, priceCents: demo.priceCents });
    });

    it('answers 404 not_found for an unknown id', async () => {
      const res = await t.http().get(`/catalog/products/${randomUUID()}`).expect(404);
      expect(res.body.code).toBe('not_found');
    });

    it('answers 400 validation_failed with details for an id that is not a UUID', async () => {
      const res = await t.http().get('/catalog/products/42').expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.details).toEqual([{ field: 'id', problems: expect.any(Array) }]);
    });
  });

  describe('POST /catalog/products', () => {
    const valid = { name: 'Milk jug', priceCents: 1750 };

    it('creates a product for an admin, then serves it publicly', async () => {
      const res = await t
        .http()
        .post('/catalog/products')
        .set(bearer(adminToken))
        .send(valid)
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Milk jug',
        priceCents: 1750,
        createdAt: expect.any(String),
      });
      const fetched = await t.http().get(`/catalog/products/${res.body.id}`).expect(200);
      expect(fetched.body).toEqual(res.body);
      const list = await t.http().get('/catalog/products').expect(200);
      expect(list.body[0]).toEqual(res.body);
    });

    it.each([
      ['the lowest price', { name: 'Free sample', priceCents: 0 }],
      ['the highest price', { name: 'Espresso machine', priceCents: 100_000_000 }],
      ['a 200-character name', { name: 'n'.repeat(200), priceCents: 1 }],
    ])('accepts %s', async (_label, body) => {
      await t.http().post('/catalog/products').set(bearer(adminToken)).send(body).expect(201);
    });

    it('refuses a caller without a token with 401 missing_token', async () => {
      const res = await t.http().post('/catalog/products').send(valid).expect(401);
      expect(res.body.code).toBe('missing_token');
    });

    it('refuses a caller who is not an admin with 403 forbidden', async () => {
      const res = await t
        .http()
        .post('/catalog/products')
        .set(bearer(userToken))
        .send(valid)
        .expect(403);
      expect(res.body.code).toBe('forbidden');
    });

    it.each([
      ['an empty body', {}, ['name', 'priceCents']],
      ['an empty name', { name: '', priceCents: 1 }, ['name']],
      ['a blank name', { name: '   ', priceCents: 1 }, ['name']],
      ['a 201-character name', { name: 'n'.repeat(201), priceCents: 1 }, ['name']],
      ['a name that is not a string', { name: 7, priceCents: 1 }, ['name']],
      ['a negative price', { name: 'x', priceCents: -1 }, ['priceCents']],
      ['a fractional price', { name: 'x', priceCents: 1.5 }, ['priceCents']],
      ['a price given as a string', { name: 'x', priceCents: '100' }, ['priceCents']],
      ['a price above the maximum', { name: 'x', priceCents: 100_000_001 }, ['priceCents']],
      ['an unknown field', { ...valid, id: randomUUID() }, ['id']],
    ])('refuses %s with 400 validation_failed', async (_label, body, fields) => {
      const res = await t
        .http()
        .post('/catalog/products')
        .set(bearer(adminToken))
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(fields);
    });

    it('refuses a body that is not a JSON object with 400 validation_failed', async () => {
      const res = await t
        .http()
        .post('/catalog/products')
        .set(bearer(adminToken))
        .set('content-type', 'application/json')
        .send('[1, 2]')
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
    });
  });

  describe('operations', () => {
    it('answers liveness', async () => {
      await t.http().get('/health/live').expect(200, { status: 'ok' });
    });

    it('is ready when its database and the guard are', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body.checks).toEqual({ auth: { status: 'ok' }, database: { status: 'ok' } });
    });

    it('exposes Prometheus metrics, guard outcomes included', async () => {
      const res = await t.http().get('/metrics').expect(200);
      expect(res.text).toContain('http_request_duration_seconds');
      expect(res.text).toContain('auth_guard_verifications_total');
    });

    it('documents every route in OpenAPI', async () => {
      const res = await t.http().get('/docs/openapi.json').expect(200);
      expect(Object.keys(res.body.paths).sort()).toEqual(
        expect.arrayContaining(['/catalog/me', '/catalog/products', '/catalog/products/{id}']),
      );
      const create = res.body.paths['/catalog/products'].post;
      expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '503']);
    });
  });
});
