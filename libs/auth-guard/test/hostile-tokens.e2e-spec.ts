import type { INestApplication } from '@nestjs/common';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Response } from 'supertest';
import { TestTokenSigner, hostileTokens } from '../src/testing';
import type { HostileToken } from '../src/testing';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const AUDIENCE = 'probe-service';
const signer = new TestTokenSigner('http://auth.test', AUDIENCE);

/** What went wrong for one token, or undefined when the answer is one the corpus allows. */
function mismatch(hostile: HostileToken, res: Response): Record<string, unknown> | undefined {
  if (hostile.expectStatus !== undefined && res.status === hostile.expectStatus) return undefined;
  const body = res.body as { code?: unknown };
  const challenge = res.headers['www-authenticate'];
  if (res.status === 401 && body.code === hostile.code && challenge !== undefined) return undefined;
  return { name: hostile.name, status: res.status, code: body.code, challenge };
}

describe.each<Adapter>(['fastify', 'express'])('hostile tokens on %s', (adapter) => {
  let app: INestApplication;
  let keyServer: Server;
  let keyUrl: string;
  let keyRequests = 0;

  beforeAll(async () => {
    keyServer = createServer((_req, res) => {
      keyRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    keyUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks.json`;
    app = await createProbeApp(adapter, {
      issuer: signer.issuer,
      audience: AUDIENCE,
      keys: signer.jwks,
    });
  });

  afterAll(async () => {
    await app.close();
    await new Promise<void>((resolve) => keyServer.close(() => resolve()));
  });

  it('refuses every corpus token in the Authorization header with 401 and its code', async () => {
    const corpus = hostileTokens(signer, AUDIENCE, { keyUrl });
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const wrong: Record<string, unknown>[] = [];
    for (const hostile of corpus) {
      const res = await request(app.getHttpServer())
        .get('/me')
        .set('authorization', `Bearer ${hostile.token}`);
      const problem = mismatch(hostile, res);
      if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every corpus token in the access cookie with 401 and its code', async () => {
    const wrong: Record<string, unknown>[] = [];
    for (const hostile of hostileTokens(signer, AUDIENCE, { keyUrl })) {
      const res = await request(app.getHttpServer())
        .get('/me')
        .set('cookie', `__Host-access_token=${hostile.token}`);
      const problem = mismatch(hostile, res);
      if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  it('never fetches the URL a jku or x5u header names', async () => {
    const corpus = hostileTokens(signer, AUDIENCE, { keyUrl });
    expect(corpus.filter((hostile) => /jku|x5u/.test(hostile.name)).length).toBeGreaterThan(0);
    for (const hostile of corpus) {
      await request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${hostile.token}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(keyRequests).toBe(0);
    // The server does answer: zero requests means nobody asked, not that nobody could.
    await fetch(keyUrl);
    expect(keyRequests).toBe(1);
  });

  it('still serves public routes and valid tokens after the corpus', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { open: true });
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${signer.token({ audience: [AUDIENCE], role: 'admin' })}`)
      .expect(200);
    expect(res.body).toMatchObject({ role: 'admin' });
  });

  it('never reads a valid token from the query string', async () => {
    const res = await request(app.getHttpServer())
      .get('/me')
      .query({ access_token: signer.token(), token: signer.token() })
      .expect(401);
    expect(res.body.code).toBe('missing_token');
  });
});
