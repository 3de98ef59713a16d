import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { AuthGuardStatus } from '../src';
import type { RevocationEvent } from '../src';
import { TestStreamPublisher, TestTokenSigner } from '../src/testing';
import { eventually } from './feed-helpers';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const REDIS_URL = 'redis://127.0.0.1:6379';
const AUDIENCE = 'probe-service';
const signer = new TestTokenSigner('http://auth.test', AUDIENCE);

describe.each<Adapter>(['fastify', 'express'])('revocation through the guard on %s', (adapter) => {
  let app: INestApplication;
  let redis: Redis;
  let now: number;
  let relay: TestStreamPublisher;
  /** Publishes, then waits until this guard has read the entry (no fixed sleep). */
  const publish = async (event: RevocationEvent) => {
    const id = await relay.publish(event);
    const status = app.get(AuthGuardStatus);
    if (!(await eventually(() => status.snapshot().feed?.lastEntryId === id, 10_000))) {
      throw new Error(`the guard did not read entry ${id}`);
    }
  };
  const get = (path: string, token: string) =>
    request(app.getHttpServer()).get(path).set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    now = Date.now();
    redis = new Redis(REDIS_URL);
    relay = await new TestStreamPublisher(redis, {
      signer,
      streamKey: `test:${randomUUID()}:revocations`,
    }).init();
    app = await createProbeApp(adapter, {
      issuer: signer.issuer,
      audience: AUDIENCE,
      keys: signer.jwks,
      revocation: { redis: REDIS_URL, streamKey: relay.streamKey, strictBudgetMs: 5000 },
      clock: () => now,
    });
  });

  afterAll(async () => {
    await app.close();
    await relay.clear();
    await redis.quit();
  });

  it('refuses a revoked session with 401 session_revoked and the challenge on first use', async () => {
    const sessionId = randomUUID();
    await publish({ type: 'session', id: randomUUID(), sessionId, userId: 'u', at: now });
    const res = await get('/me', signer.token({ sessionId })).expect(401);
    expect(res.body.code).toBe('session_revoked');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('refuses a token once its session is revoked, although the token was cached', async () => {
    const sessionId = randomUUID();
    const token = signer.token({ sessionId });
    await get('/me', token).expect(200);
    await publish({ type: 'session', id: randomUUID(), sessionId, userId: 'u', at: now });
    const res = await get('/me', token).expect(401);
    expect(res.body.code).toBe('session_revoked');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('refuses a token carrying a role the user no longer has with token_stale', async () => {
    const userId = randomUUID();
    await publish({ type: 'user', id: randomUUID(), userId, role: 'user', at: now });
    const res = await get('/me', signer.token({ userId, role: 'admin' })).expect(401);
    expect(res.body.code).toBe('token_stale');
    await get('/me', signer.token({ userId, role: 'user' })).expect(200);
  });

  it('refuses every token of a user issued before a user event that keeps the role with token_stale', async () => {
    // How a verified or changed e-mail address reaches the guard: a signed user event with the
    // user's current role, whose signed `at` makes the tokens of earlier seconds stale.
    const userId = randomUUID();
    const second = Math.floor(now / 1000);
    await publish({ type: 'user', id: randomUUID(), userId, role: 'user', at: now });
    const before = signer.token({
      userId,
      issuedAt: second - 1,
      claims: { email_verified: false },
    });
    const res = await get('/me', before).expect(401);
    expect(res.body.code).toBe('token_stale');
    await get(
      '/me',
      signer.token({ userId, issuedAt: second, claims: { email_verified: true } }),
    ).expect(200);
  });

  it('serves strict routes after a heartbeat and answers 503 with Retry-After once it is too old', async () => {
    await publish({ type: 'heartbeat', at: now });
    await get('/strict', signer.token()).expect(200);
    now += 5001;
    const res = await get('/strict', signer.token()).expect(503);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('1');
    await get('/me', signer.token()).expect(200);
  });
});
