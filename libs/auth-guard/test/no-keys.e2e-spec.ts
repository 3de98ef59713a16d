import type { INestApplication } from '@nestjs/common';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import { AuthGuardStatus } from '../src';
import { TestTokenSigner } from '../src/testing';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const AUDIENCE = 'probe-service';
const signer = new TestTokenSigner('http://auth.test', AUDIENCE);

/**
 * The JWKS server listens from the start (so its port is never given up and taken by someone
 * else) and drops every connection until the test brings it "up".
 */
function jwksServer(state: { up: boolean }): Server {
  return createServer((req, res) => {
    if (!state.up) return req.socket.destroy();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: signer.jwks }));
  });
}

describe.each<Adapter>(['fastify', 'express'])('guard started before its JWKS on %s', (adapter) => {
  let app: INestApplication;
  const state = { up: false };
  const server = jwksServer(state);

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    app = await createProbeApp(adapter, {
      issuer: signer.issuer,
      audience: AUDIENCE,
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      // Generous: a timeout under load would push the next try onto a later backoff step.
      jwks: { timeoutMs: 2000 },
    });
  });

  afterAll(async () => {
    await app.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers 503 unavailable with Retry-After while it holds no key', async () => {
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${signer.token()}`)
      .expect(503);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('1');
    expect(app.get(AuthGuardStatus).readiness().status).toBe('down');
  });

  it('still answers 401 to a malformed token rather than 503', async () => {
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', 'Bearer not.a.token')
      .expect(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('serves the same request once the JWKS server comes up, without a restart', async () => {
    const token = signer.token({ userId: '3f1d8a52-0c4e-4b7a-9e21-6a5b4c3d2e10' });
    state.up = true;
    let status = 0;
    // The key source retries with backoff (0.5, 1, 2, 5 s…): up to 20 s.
    for (let i = 0; i < 200 && status !== 200; i += 1) {
      if (i > 0) await delay(100);
      status = (
        await request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${token}`)
      ).status;
    }
    expect(status).toBe(200);
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body.userId).toBe('3f1d8a52-0c4e-4b7a-9e21-6a5b4c3d2e10');
    expect(app.get(AuthGuardStatus).readiness().status).toBe('ok');
  });
});
