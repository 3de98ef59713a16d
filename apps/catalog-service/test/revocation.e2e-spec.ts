import { randomBytes, randomUUID } from 'node:crypto';
import { TestStreamPublisher, TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { Redis } from 'ioredis';
import { AUDIENCE, ISSUER, REDIS_URL, bearer, startCatalogApp } from './harness';
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
  // A stream of this suite's own, written here the way auth-service's relay writes it: signed
  // by the key that signs the suite's tokens, which is the one the guard trusts.
  const signer = new TestTokenSigner(ISSUER, AUDIENCE);
  let redis: Redis;
  let relay: TestStreamPublisher;
  let t: CatalogTestApp;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    relay = await new TestStreamPublisher(redis, {
      signer,
      streamKey: `test:${randomBytes(4).toString('hex')}:revocations`,
    }).init();
    t = await startCatalogApp({ REDIS_URL, AUTH_REVOCATION_STREAM: relay.streamKey }, signer);
  });
  afterAll(async () => {
    await t.close();
    await relay.clear();
    await redis.quit();
  });

  it('refuses a session revoked through the stream with 401 session_revoked, and only that one', async () => {
    const userId = randomUUID();
    const revoked = t.signer.token({ userId, sessionId: randomUUID() });
    const other = t.signer.token({ userId, sessionId: randomUUID() });
    await t.http().get('/catalog/me').set(bearer(revoked)).expect(200);

    const sessionId = JSON.parse(Buffer.from(revoked.split('.')[1], 'base64url').toString()).sid;
    await relay.revokeSession(sessionId, userId);

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
    await relay.revokeSession(sessionId, userId);
    // Once a later revocation is seen, this one was applied too: the stream is read in order.
    const marker = randomUUID();
    await relay.revokeSession(marker, userId);
    const markerToken = t.signer.token({ userId, sessionId: marker });
    await eventually(() => t.http().get('/catalog/me').set(bearer(markerToken)), 401);

    const fresh = t.signer.token({ userId, sessionId });
    const res = await t.http().get('/catalog/me').set(bearer(fresh)).expect(401);
    expect(res.body.code).toBe('session_revoked');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    await t.http().get('/catalog/me').set(bearer(probe)).expect(200);
  });

  it('ignores a revocation written to Redis without auth-service’s signature', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    const token = t.signer.token({ userId, sessionId });
    const forger = new TestStreamPublisher(redis, {
      signer: new TestTokenSigner(ISSUER, AUDIENCE, signer.kid),
      streamKey: relay.streamKey,
      epoch: relay.epoch,
    });
    await forger.revokeSession(sessionId, userId);
    const marker = randomUUID();
    await relay.revokeSession(marker, userId);
    await eventually(
      () =>
        t
          .http()
          .get('/catalog/me')
          .set(bearer(t.signer.token({ userId, sessionId: marker }))),
      401,
    );
    await t.http().get('/catalog/me').set(bearer(token)).expect(200);
  });

  it('keeps serving public routes and verified tokens without heartbeats: it is not strict', async () => {
    await t.http().get('/catalog/products').expect(200);
    await t.http().get('/catalog/me').set(bearer(t.signer.token())).expect(200);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.checks.auth.status).toBe('degraded');
  });
});
