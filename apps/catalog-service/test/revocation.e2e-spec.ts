import { randomBytes, randomUUID } from 'node:crypto';
import { encodeEvent, revocationKeys } from '@hybrid-auth/auth-guard';
import { Redis } from 'ioredis';
import { REDIS_URL, bearer, startCatalogApp } from './harness';
import type { CatalogTestApp } from './harness';

/** Polls until `probe` answers `status`; fails the test if it never does. */
async function eventually(probe: () => Promise<{ status: number }>, status: number) {
  const deadline = Date.now() + 5000;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = (await probe()).status;
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected status ${status}, still ${last}`);
}

describe('catalog-service with the revocation feed', () => {
  // A stream of this suite's own, written here the way auth-service's relay writes it.
  const keys = revocationKeys(`test:${randomBytes(4).toString('hex')}:revocations`);
  const epoch = randomUUID();
  let redis: Redis;
  let t: CatalogTestApp;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.set(keys.epoch, epoch);
    t = await startCatalogApp({ REDIS_URL, AUTH_REVOCATION_STREAM: keys.stream });
  });
  afterAll(async () => {
    await t.close();
    await redis.del(keys.stream, keys.epoch);
    await redis.quit();
  });

  it('refuses a session revoked through the stream with 401 session_revoked, and only that one', async () => {
    const userId = randomUUID();
    const revoked = t.signer.token({ userId, sessionId: randomUUID() });
    const other = t.signer.token({ userId, sessionId: randomUUID() });
    await t.http().get('/catalog/me').set(bearer(revoked)).expect(200);

    const sessionId = JSON.parse(Buffer.from(revoked.split('.')[1], 'base64url').toString()).sid;
    const event = { type: 'session' as const, id: '1', sessionId, userId, at: Date.now() };
    await redis.xadd(keys.stream, '*', ...encodeEvent(event, epoch));

    await eventually(() => t.http().get('/catalog/me').set(bearer(revoked)), 401);
    const res = await t.http().get('/catalog/me').set(bearer(revoked)).expect(401);
    expect(res.body.code).toBe('session_revoked');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    await t.http().get('/catalog/me').set(bearer(other)).expect(200);
  });

  it('refuses a token first presented after its session was revoked, with the same answer', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    const probe = t.signer.token({ userId, sessionId: randomUUID() });
    const event = { type: 'session' as const, id: '2', sessionId, userId, at: Date.now() };
    await redis.xadd(keys.stream, '*', ...encodeEvent(event, epoch));
    // Once a later revocation is seen, this one was applied too: the stream is read in order.
    const marker = {
      type: 'session' as const,
      id: '3',
      sessionId: randomUUID(),
      userId,
      at: Date.now(),
    };
    await redis.xadd(keys.stream, '*', ...encodeEvent({ ...marker }, epoch));
    const markerToken = t.signer.token({ userId, sessionId: marker.sessionId });
    await eventually(() => t.http().get('/catalog/me').set(bearer(markerToken)), 401);

    const fresh = t.signer.token({ userId, sessionId });
    const res = await t.http().get('/catalog/me').set(bearer(fresh)).expect(401);
    expect(res.body.code).toBe('session_revoked');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    await t.http().get('/catalog/me').set(bearer(probe)).expect(200);
  });

  it('keeps serving public routes and verified tokens without heartbeats: it is not strict', async () => {
    await t.http().get('/catalog/products').expect(200);
    await t.http().get('/catalog/me').set(bearer(t.signer.token())).expect(200);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.checks.auth.status).toBe('degraded');
  });
});
