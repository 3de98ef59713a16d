import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestTokenSigner } from '../src/testing';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const signer = new TestTokenSigner('http://auth.test', 'probe-service');

describe.each<Adapter>(['fastify', 'express'])('JwtAuthGuard on %s', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createProbeApp(adapter, {
      issuer: signer.issuer,
      audience: 'probe-service',
      keys: signer.jwks,
    });
  });
  afterAll(() => app.close());

  it('lets public routes through without a token', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { open: true });
  });

  it('answers 401 missing_token with a bare Bearer challenge when no token is sent', async () => {
    const res = await request(app.getHttpServer()).get('/me').expect(401);
    expect(res.body).toEqual({ code: 'missing_token', message: expect.any(String) });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('admits a valid token and exposes the typed user', async () => {
    const userId = '7d3f0a7e-93b4-4bb4-9a55-1f2a7cc1e001';
    const token = signer.token({ userId, role: 'user' });
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body).toMatchObject({ userId, role: 'user' });
  });

  it('reads the token from the __Host- access cookie, never from a bare one', async () => {
    const token = signer.token();
    await request(app.getHttpServer())
      .get('/me')
      .set('cookie', `theme=dark; __Host-access_token=${token}`)
      .expect(200);
    // A bare cookie is what a sibling subdomain or a plain-http page could plant.
    const planted = await request(app.getHttpServer())
      .get('/me')
      .set('cookie', `access_token=${token}`)
      .expect(401);
    expect(planted.body.code).toBe('missing_token');
  });

  it('hands the raw token to @AccessToken()', async () => {
    const token = signer.token();
    const res = await request(app.getHttpServer())
      .get('/token')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body.length).toBe(token.length);
  });

  it('answers 401 invalid_token with the RFC 6750 challenge for a tampered token', async () => {
    const token = signer.token();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...signer.claims(), role: 'admin' })).toString(
      'base64url',
    );
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${h}.${forged}.${s}`)
      .expect(401);
    expect(res.body.code).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('answers 403 forbidden when the role is not enough', async () => {
    const res = await request(app.getHttpServer())
      .post('/admin')
      .set('authorization', `Bearer ${signer.token({ role: 'user' })}`)
      .expect(403);
    expect(res.body.code).toBe('forbidden');
    await request(app.getHttpServer())
      .post('/admin')
      .set('authorization', `Bearer ${signer.token({ role: 'admin' })}`)
      .expect(201);
  });

  it('answers 503 on a strict route when no revocation feed can vouch for freshness', async () => {
    const res = await request(app.getHttpServer())
      .get('/strict')
      .set('authorization', `Bearer ${signer.token()}`)
      .expect(503);
    expect(res.body.code).toBe('unavailable');
  });

  it('answers 401 token_expired once exp + leeway has passed', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 1000;
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${signer.token({ issuedAt, expiresIn: 900 })}`)
      .expect(401);
    expect(res.body.code).toBe('token_expired');
  });
});
