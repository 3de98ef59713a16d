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

/** A port nothing listens on yet: bound once to learn a free number, then released. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function jwksServer(): Server {
  return createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: signer.jwks }));
  });
}

describe.each<Adapter>(['fastify', 'express'])('guard started before its JWKS on %s', (adapter) => {
  let app: INestApplication;
  let server: Server | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    app = await createProbeApp(adapter, {
      issuer: signer.issuer,
      audience: AUDIENCE,
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      jwks: { timeoutMs: 300 },
    });
  });

  afterAll(async () => {
    await app.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
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
    server = jwksServer();
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i += 1) {
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
