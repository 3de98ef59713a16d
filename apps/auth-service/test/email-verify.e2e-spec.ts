import { PASSWORD, uniqueEmail } from './harness';
import { decodeJwt, expectError } from './expectations';
import { eventually, followFeed, streamEvents, verdict } from './revocation-feed';
import {
  PUBLIC_URL,
  linkToken,
  loginAs,
  registerWithMail,
  startEmailApp,
  verify,
  withToken,
} from './email-harness';
import type { EmailTestApp } from './email-harness';

describe('e-mail verification', () => {
  let t: EmailTestApp;
  beforeAll(async () => {
    t = await startEmailApp();
  });
  afterAll(() => t.close());

  it('mails a link to the account page on registration, in text and HTML', async () => {
    const { mail, token } = await registerWithMail(t);
    expect(mail.subject).toBe('Confirm your e-mail address');
    expect(mail.text).toContain(`${PUBLIC_URL}/verify-email#token=${token}`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/verify-email#token=${token}"`);
    expect(mail.text).toContain('If you did not sign up');
    // 256 random bits, base64url: at least the 128 the contract asks for.
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('stores only a SHA-256 hash of the token', async () => {
    const { id, token } = await registerWithMail(t);
    const rows: { token_hash: Buffer }[] = await t.dataSource.query(
      'SELECT token_hash FROM email_tokens WHERE user_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash.length).toBe(32);
    expect(rows[0].token_hash.toString('base64url')).not.toBe(token);
  });

  it('verifies once: 200 { emailVerified: true }, then 400 invalid_email_token', async () => {
    const { email, token } = await registerWithMail(t);
    const before = await loginAs(t, email);
    expect(decodeJwt(before.accessToken).payload.email_verified).toBe(false);
    await verify(t, token).expect(200, { emailVerified: true });
    expectError(await verify(t, token), 400, 'invalid_email_token');
    const me = await t
      .http()
      .get('/auth/me')
      .set(withToken((await loginAs(t, email)).accessToken));
    expect(me.body.emailVerified).toBe(true);
  });

  it('makes the tokens issued before the verification token_stale, and pushes a user event', async () => {
    const { id, email, token } = await registerWithMail(t);
    const before = await loginAs(t, email);
    await verify(t, token).expect(200);
    const stale = await t.http().get('/auth/me').set(withToken(before.accessToken));
    expectError(stale, 401, 'token_stale');
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: before.refreshToken })
      .expect(200);
    expect(decodeJwt(refreshed.body.accessToken).payload.email_verified).toBe(true);
    await t.http().get('/auth/me').set(withToken(refreshed.body.accessToken)).expect(200);
    const events = await t.dataSource.query(
      `SELECT type, role, reason FROM revocation_events WHERE user_id = $1`,
      [id],
    );
    expect(events).toEqual([{ type: 'user', role: 'user', reason: 'email_verified' }]);
  });

  it('reaches every guard as a signed user event that makes the older tokens token_stale', async () => {
    const feed = await followFeed(t);
    try {
      const { id, email, token } = await registerWithMail(t);
      // The older token is issued two seconds before the verification: `iat` has whole seconds.
      t.clock.advance(-2);
      const before = await loginAs(t, email).finally(() => t.clock.advance(2));
      await verify(t, token).expect(200);
      const iatOf = (jwt: string) => (decodeJwt(jwt).payload as { iat: number }).iat;
      const iat = iatOf(before.accessToken);
      await eventually(() => verdict(feed, id, before.sessionId, 'user', iat) === 'token_stale');
      const signed = (await streamEvents(t)).filter((e) => e.type === 'user' && e.userId === id);
      expect(signed).toEqual([
        { type: 'user', id: expect.any(String), userId: id, role: 'user', at: expect.any(Number) },
      ]);
      const refreshed = await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: before.refreshToken })
        .expect(200);
      const fresh = iatOf(refreshed.body.accessToken);
      expect(verdict(feed, id, before.sessionId, 'user', fresh)).toBeUndefined();
    } finally {
      await feed.stop();
    }
  });

  it('refuses an expired link (24 h by default) with 400 invalid_email_token', async () => {
    const { token } = await registerWithMail(t);
    t.clock.advance(24 * 3600 + 1);
    try {
      expectError(await verify(t, token), 400, 'invalid_email_token');
    } finally {
      t.clock.advance(-(24 * 3600 + 1));
    }
  });

  it('refuses unknown tokens and tokens of another purpose', async () => {
    expectError(await verify(t, 'A'.repeat(43)), 400, 'invalid_email_token');
    const { email } = await registerWithMail(t);
    await t.http().post('/auth/password/forgot').send({ email }).expect(202);
    const mails = await t.mail.waitFor(email, 2);
    const reset = linkToken(
      mails.find((m) => m.subject === 'Reset your password')!,
      '/reset-password',
    );
    expectError(await verify(t, reset), 400, 'invalid_email_token');
  });

  it('validates the body: 400 validation_failed', async () => {
    expectError(await t.http().post('/auth/email/verify').send({}), 400, 'validation_failed');
  });

  it('resends a fresh link (202) while unverified, and nothing once verified', async () => {
    const { email, token } = await registerWithMail(t);
    const session = await loginAs(t, email);
    const resend = () =>
      t.http().post('/auth/email/verify/resend').set(withToken(session.accessToken));
    await resend().expect(202);
    const mails = await t.mail.waitFor(email, 2);
    expect(mails).toHaveLength(2);
    const second = linkToken(mails[1], '/verify-email');
    expect(second).not.toBe(token);
    await verify(t, second).expect(200);
    const fresh = await loginAs(t, email);
    await t.http().post('/auth/email/verify/resend').set(withToken(fresh.accessToken)).expect(202);
    await t.flushMail();
    expect(await t.mail.inbox(email)).toHaveLength(2);
  });

  it('needs an access token to resend: 401 missing_token', async () => {
    expectError(await t.http().post('/auth/email/verify/resend'), 401, 'missing_token');
  });

  it('registers with the same password rules as before', async () => {
    const email = uniqueEmail();
    await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    await loginAs(t, email);
  });
});
