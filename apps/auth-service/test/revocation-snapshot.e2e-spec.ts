import { RevocationFeed } from '@hybrid-auth/auth-guard';
import { previewOpenApiDocument } from '@hybrid-auth/platform';
import { randomUUID } from 'node:crypto';
import { documentedModule } from '../src/openapi';
import { SERVICE } from '../src/service';
import { expectError } from './expectations';
import { bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { eventually, feedContext, verdict } from './revocation-feed';

const SECRET = 'snapshot-secret-for-e2e-0123456789abcdef';
const PATH = '/auth/internal/revocations';

describe('GET /auth/internal/revocations: the window for guards whose stream cannot answer', () => {
  let t: AuthTestApp;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };

  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_REVOCATIONS_SECRET: SECRET,
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t.close());

  const snapshot = () => t.http().get(PATH).set('authorization', `Bearer ${SECRET}`);

  it.each<[string, Record<string, string>, string]>([
    ['no Authorization header', {}, 'missing_token'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'missing_token'],
    ['another scheme', { authorization: `Basic ${SECRET}` }, 'missing_token'],
    [
      'a wrong secret of the same length',
      { authorization: `Bearer ${'x'.repeat(SECRET.length)}` },
      'invalid_token',
    ],
    ['a prefix of the secret', { authorization: `Bearer ${SECRET.slice(0, 20)}` }, 'invalid_token'],
    ['the secret plus a byte', { authorization: `Bearer ${SECRET}x` }, 'invalid_token'],
    [
      'a user access token',
      { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' },
      'invalid_token',
    ],
  ])('refuses %s with 401', async (_name, headers, code) => {
    const res = await t.http().get(PATH).set(headers);
    expectError(res, 401, code);
    expect(res.body).not.toHaveProperty('events');
  });

  it('lists logouts and role changes of the window, in order, with the fields guards need', async () => {
    const s = await signUpAndLogin(t);
    await t.http().post('/auth/logout').set(bearer(s.accessToken)).expect(204);
    const adminToken = (
      await t
        .http()
        .post('/auth/login')
        .send({ ...admin, audience: 'auth-service' })
        .expect(200)
    ).body.accessToken;
    await t
      .http()
      .patch(`/auth/admin/users/${s.user.id}`)
      .set(bearer(adminToken))
      .send({ role: 'admin' })
      .expect(200);

    const before = Date.now();
    const res = await snapshot().expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.asOf).toBeGreaterThanOrEqual(before - 1000);
    const mine = res.body.events.filter((e: { userId: string }) => e.userId === s.user.id);
    expect(mine).toEqual([
      {
        type: 'session',
        id: expect.stringMatching(/^\d+$/),
        sessionId: s.sessionId,
        userId: s.user.id,
        at: expect.any(Number),
      },
      {
        type: 'user',
        id: expect.stringMatching(/^\d+$/),
        userId: s.user.id,
        role: 'admin',
        at: expect.any(Number),
      },
    ]);
    expect(Number(mine[0].id)).toBeLessThan(Number(mine[1].id));
  });

  it('leaves out what can no longer matter (older than a token lifetime plus leeway)', async () => {
    const old = randomUUID();
    await t.dataSource.query(
      `INSERT INTO revocation_events (type, user_id, session_id, reason, created_at)
       VALUES ('session', $1, $1, 'logout', now() - interval '2 hours')`,
      [old],
    );
    const res = await snapshot().expect(200);
    expect(res.body.events.some((e: { sessionId?: string }) => e.sessionId === old)).toBe(false);
  });

  it('keeps a guard with no Redis at all current: a logout is refused by it within a poll or two', async () => {
    const feed = new RevocationFeed(
      {
        fallback: { url: `${await t.app.getUrl()}${PATH}`, secret: SECRET, intervalMs: 100 },
        strictBudgetMs: 10_000,
      },
      feedContext(t),
    );
    await feed.start();
    try {
      expect(feed.isFresh()).toBe(true);
      expect(feed.status()).toMatchObject({ source: 'fallback', connected: false });
      const s = await signUpAndLogin(t);
      expect(verdict(feed, s.user.id, s.sessionId)).toBeUndefined();
      await t.http().post('/auth/logout').set(bearer(s.accessToken)).expect(204);
      await eventually(() => verdict(feed, s.user.id, s.sessionId) === 'session_revoked');
    } finally {
      await feed.stop();
    }
  });

  it('is in the OpenAPI document, with its error codes', async () => {
    const doc = await previewOpenApiDocument(documentedModule(), SERVICE);
    const op = doc.paths[PATH]?.get;
    expect(op).toBeDefined();
    expect(Object.keys(op!.responses).sort()).toEqual(['200', '401', '404', '503']);
  });
});

describe('GET /auth/internal/revocations when not configured or PostgreSQL is gone', () => {
  it('answers 404 not_found without AUTH_REVOCATIONS_SECRET, whatever is presented', async () => {
    const t = await startAuthApp();
    try {
      expectError(
        await t.http().get(PATH).set('authorization', `Bearer ${SECRET}`),
        404,
        'not_found',
      );
      expectError(await t.http().get(PATH), 404, 'not_found');
    } finally {
      await t.close();
    }
  });

  it('answers 503 unavailable when the outbox cannot be read', async () => {
    const t = await startAuthApp({ AUTH_REVOCATIONS_SECRET: SECRET });
    try {
      await t.dataSource.destroy();
      expectError(
        await t.http().get(PATH).set('authorization', `Bearer ${SECRET}`),
        503,
        'unavailable',
      );
    } finally {
      await t.close().catch(() => t.db.drop());
    }
  });
});
