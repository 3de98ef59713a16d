import { PASSWORD, bearer, uniqueEmail } from './harness';
import { expectError } from './expectations';
import { linkToken, loginAs, registerWithMail, startEmailApp, verify } from './email-harness';
import type { EmailTestApp } from './email-harness';

const AGENT = 'AuditTest/1.0 (e2e)';

describe('auth_events: every security event is recorded, with address and agent', () => {
  let t: EmailTestApp;
  let adminToken: string;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };

  beforeAll(async () => {
    t = await startEmailApp({
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

  const eventsOf = async (userId: string) => {
    const res = await t
      .http()
      .get('/auth/admin/events')
      .query({ userId, limit: '100' })
      .set(bearer(adminToken))
      .expect(200);
    return (res.body.items as { type: string; details: Record<string, unknown> }[]).reverse();
  };

  it('records registration, sign-ins, failures, e-mail verification, sign-outs, reuse and password changes in order', async () => {
    const { id, email, token } = await registerWithMail(t);
    await verify(t, token).expect(200);
    await t
      .http()
      .post('/auth/login')
      .set('user-agent', AGENT)
      .send({ email, password: 'wrong pass' })
      .expect(401);
    const first = await loginAs(t, email);
    const second = await loginAs(t, email);
    // A refresh token spent twice (past the grace window) ends its session as stolen.
    const rotated = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: second.refreshToken })
      .expect(200);
    t.clock.advance(t.config.refreshReuseGrace + 1);
    await t.http().post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    expect(rotated.body.sessionId).toBe(second.sessionId);
    const third = await loginAs(t, email);
    await t
      .http()
      .post('/auth/password')
      .set(bearer(first.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(204);
    await t.http().post('/auth/logout').set(bearer(first.accessToken)).expect(204);

    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      'user_registered',
      'email_verified',
      'login_failed',
      'login_succeeded',
      'login_succeeded',
      'refresh_token_reused',
      'login_succeeded',
      'session_revoked',
      'password_changed',
      'logout',
    ]);
    expect(events[2]).toMatchObject({
      details: { reason: 'wrong_password' },
      userAgent: AGENT,
      ip: t.clientIp,
    });
    expect(events[5]).toMatchObject({ sessionId: second.sessionId });
    expect(events[7]).toMatchObject({
      sessionId: third.sessionId,
      details: { reason: 'password_changed' },
    });
  });

  it('records a failed sign-in for an unknown address without the address', async () => {
    const email = uniqueEmail('nobody');
    await t.http().post('/auth/login').send({ email, password: 'secret guess 1' }).expect(401);
    const res = await t
      .http()
      .get('/auth/admin/events')
      .query({ type: 'login_failed', limit: '1' })
      .set(bearer(adminToken))
      .expect(200);
    expect(res.body.items[0]).toMatchObject({ userId: null, details: { reason: 'unknown_email' } });
    expect(JSON.stringify(res.body.items[0])).not.toContain(email);
    expect(JSON.stringify(res.body.items[0])).not.toContain('secret guess');
  });

  it('records password reset and e-mail change', async () => {
    const { id, email, token } = await registerWithMail(t);
    await verify(t, token).expect(200);
    const session = await loginAs(t, email);
    const newEmail = uniqueEmail('moved');
    await t
      .http()
      .post('/auth/email/change')
      .set(bearer(session.accessToken))
      .send({ newEmail, currentPassword: PASSWORD })
      .expect(202);
    const [confirm] = await t.mail.waitFor(newEmail);
    await verify(t, linkToken(confirm, '/verify-email')).expect(200);
    await t.http().post('/auth/password/forgot').send({ email: newEmail }).expect(202);
    const mails = await t.mail.waitFor(newEmail, 2);
    const resetMail = mails.find((m) => m.text.includes('/reset-password#token='))!;
    await t
      .http()
      .post('/auth/password/reset')
      .send({ token: linkToken(resetMail, '/reset-password'), newPassword: 'reset password 1' })
      .expect(204);
    const events = await eventsOf(id);
    expect(events.slice(-3)).toEqual([
      expect.objectContaining({ type: 'email_changed', details: { email: newEmail } }),
      expect.objectContaining({ type: 'session_revoked', details: { reason: 'password_reset' } }),
      expect.objectContaining({ type: 'password_reset' }),
    ]);
  });

  it('records role changes, disabling and admin revocations with the admin as actor', async () => {
    const { id, email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    const patch = (body: object) =>
      t.http().patch(`/auth/admin/users/${id}`).set(bearer(adminToken)).send(body).expect(200);
    await patch({ role: 'admin' });
    await t.http().delete(`/auth/admin/users/${id}/sessions`).set(bearer(adminToken)).expect(204);
    await t.http().get('/auth/me').set(bearer(session.accessToken)).expect(401);
    await patch({ disabled: true });
    await patch({ disabled: false });
    const events = await eventsOf(id);
    const adminId = (await t.http().get('/auth/me').set(bearer(adminToken))).body.id;
    expect(events.slice(-4)).toEqual([
      expect.objectContaining({
        type: 'role_changed',
        details: { from: 'user', role: 'admin', actorId: adminId },
      }),
      expect.objectContaining({
        type: 'session_revoked',
        details: { reason: 'admin_revoked', actorId: adminId },
      }),
      expect.objectContaining({ type: 'user_disabled', details: { actorId: adminId } }),
      expect.objectContaining({ type: 'user_enabled', details: { actorId: adminId } }),
    ]);
  });

  it('shows users their own events, newest first, without admin identities', async () => {
    const { id, email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    await t
      .http()
      .patch(`/auth/admin/users/${id}`)
      .set(bearer(adminToken))
      .send({ role: 'admin' })
      .expect(200);
    const again = await loginAs(t, email);
    const res = await t.http().get('/auth/events').set(bearer(again.accessToken)).expect(200);
    expect(res.body.items.map((e: { type: string }) => e.type)).toEqual([
      'login_succeeded',
      'role_changed',
      'login_succeeded',
      'user_registered',
    ]);
    expect(res.body.items[1]).toMatchObject({
      details: { role: 'admin' },
      ip: null,
      userAgent: null,
    });
    expect(res.body.items.every((e: { userId: string }) => e.userId === id)).toBe(true);
    expect(session.sessionId).toBe(res.body.items[2].sessionId);
    await t.http().get('/auth/events').expect(401);
  });

  it('truncates user agents to 256 characters', async () => {
    const email = uniqueEmail();
    await t
      .http()
      .post('/auth/register')
      .set('user-agent', 'x'.repeat(5000))
      .send({ email, password: PASSWORD })
      .expect(201);
    const res = await t
      .http()
      .get('/auth/admin/events')
      .query({ type: 'user_registered', limit: '1' })
      .set(bearer(adminToken))
      .expect(200);
    expect(res.body.items[0].userAgent).toHaveLength(256);
  });

  it('refuses malformed filters with 400 validation_failed', async () => {
    for (const query of [
      { type: 'nope' },
      { userId: 'not-a-uuid' },
      { cursor: 'garbage!' },
      { cursor: Buffer.from('u:x').toString('base64url') },
      { limit: '0' },
      { limit: '101' },
      { other: '1' },
    ]) {
      const res = await t.http().get('/auth/admin/events').query(query).set(bearer(adminToken));
      expectError(res, 400, 'validation_failed');
    }
  });
});
