import { bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { expectError } from './expectations';

describe('admin: users, their sessions, events; paging and admin-only', () => {
  let t: AuthTestApp;
  let adminToken: string;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };
  const tag = `dir${Date.now()}`;

  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    });
    const res = await t
      .http()
      .post('/auth/login')
      .send({ ...admin, audience: 'auth-service' });
    adminToken = res.body.accessToken;
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string> = {}) =>
    t.http().get(path).query(query).set(bearer(adminToken));

  it('pages through users matching a search, in e-mail order, with an opaque cursor', async () => {
    const emails = ['c', 'a', 'e', 'b', 'd'].map((c) => `${c}.${tag}@example.com`);
    for (const email of emails) await signUpAndLogin(t, email);
    // A `%` or `_` in the search is a plain character, not a wildcard.
    expect((await get('/auth/admin/users', { query: '%' }).expect(200)).body.items).toEqual([]);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const res = await get('/auth/admin/users', {
        query: tag.toUpperCase(),
        limit: '2',
        ...(cursor ? { cursor } : {}),
      }).expect(200);
      seen.push(...res.body.items.map((u: { email: string }) => u.email));
      expect(res.body.items[0]).toMatchObject({
        role: 'user',
        disabled: false,
        emailVerified: false,
      });
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
      expect(cursor).not.toContain(tag);
    }
    expect(seen).toEqual([...emails].sort());
  });

  it("lists a user's live sessions and ends them all (204), pushed like logout-all", async () => {
    const email = uniqueEmail();
    const first = await signUpAndLogin(t, email);
    const second = (
      await t.http().post('/auth/login').send({ email, password: 'correct horse battery' })
    ).body;
    const sessions = (await get(`/auth/admin/users/${first.user.id}/sessions`).expect(200)).body;
    expect(sessions.map((s: { id: string }) => s.id).sort()).toEqual(
      [first.sessionId, second.sessionId].sort(),
    );
    await t
      .http()
      .delete(`/auth/admin/users/${first.user.id}/sessions`)
      .set(bearer(adminToken))
      .expect(204);
    expect((await get(`/auth/admin/users/${first.user.id}/sessions`).expect(200)).body).toEqual([]);
    expectError(
      await t.http().get('/auth/me').set(bearer(second.accessToken)),
      401,
      'session_revoked',
    );
    const pushed: { reason: string }[] = await t.dataSource.query(
      'SELECT reason FROM revocation_events WHERE user_id = $1 AND type = $2',
      [first.user.id, 'session'],
    );
    expect(pushed).toEqual([{ reason: 'admin_revoked' }, { reason: 'admin_revoked' }]);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    const unknown = '6f1c2a4e-8b7d-4c3a-9e2f-1a2b3c4d5e6f';
    expectError(await get(`/auth/admin/users/${unknown}/sessions`), 404, 'not_found');
    expectError(
      await t.http().delete(`/auth/admin/users/${unknown}/sessions`).set(bearer(adminToken)),
      404,
      'not_found',
    );
    expectError(await get('/auth/admin/users/nope/sessions'), 400, 'validation_failed');
    expectError(await get('/auth/admin/users', { limit: 'ten' }), 400, 'validation_failed');
    expectError(await get('/auth/admin/users', { cursor: 'e:1' }), 400, 'validation_failed');
  });

  it('pages through events newest first, filtered by type, without gaps or repeats', async () => {
    const user = await signUpAndLogin(t);
    for (let i = 0; i < 4; i += 1) {
      await t
        .http()
        .post('/auth/login')
        .send({ email: user.user.email, password: 'correct horse battery' })
        .expect(200);
    }
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await get('/auth/admin/events', {
        userId: user.user.id,
        type: 'login_succeeded',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      }).expect(200);
      ids.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => Number(b) - Number(a))).toEqual(ids);
  });

  it('is admin-only: 401 without a token, 403 for a user, even with an auth-service token', async () => {
    const user = await signUpAndLogin(t);
    const selfOnly = (
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken, audience: 'auth-service' })
    ).body.accessToken;
    for (const [method, path] of [
      ['get', '/auth/admin/users'],
      ['get', `/auth/admin/users/${user.user.id}/sessions`],
      ['delete', `/auth/admin/users/${user.user.id}/sessions`],
      ['get', '/auth/admin/events'],
    ] as const) {
      expectError(await t.http()[method](path), 401, 'missing_token');
      expectError(await t.http()[method](path).set(bearer(user.accessToken)), 403, 'forbidden');
      expectError(await t.http()[method](path).set(bearer(selfOnly)), 403, 'forbidden');
    }
    // The user's session survived the refused DELETE.
    await t.http().get('/auth/me').set(bearer(selfOnly)).expect(200);
  });
});
