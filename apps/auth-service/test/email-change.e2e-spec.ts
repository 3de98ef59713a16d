import { PASSWORD, uniqueEmail } from './harness';
import { expectError, login } from './expectations';
import {
  linkToken,
  loginAs,
  registerWithMail,
  startEmailApp,
  verify,
  withToken,
} from './email-harness';
import type { EmailTestApp } from './email-harness';

describe('POST /auth/email/change', () => {
  let t: EmailTestApp;
  beforeAll(async () => {
    t = await startEmailApp();
  });
  afterAll(() => t.close());

  const change = (accessToken: string, body: object) =>
    t.http().post('/auth/email/change').set(withToken(accessToken)).send(body);

  it('mails a link to the new address and a notice to the old one (202), then changes on verify', async () => {
    const { id, email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    const newEmail = uniqueEmail('moved');
    await change(session.accessToken, { newEmail, currentPassword: PASSWORD }).expect(202);
    const [confirm] = await t.mail.waitFor(newEmail);
    expect(confirm.subject).toBe('Confirm your new e-mail address');
    const notices = await t.mail.waitFor(email, 2);
    const notice = notices.find((m) => m.subject === 'Your e-mail address is being changed')!;
    expect(notice.text).toContain(newEmail);
    expect(notice.text).toContain('If this was not you');
    await verify(t, linkToken(confirm, '/verify-email')).expect(200, { emailVerified: true });
    expectError(await login(t, email, PASSWORD), 401, 'invalid_credentials');
    const moved = await loginAs(t, newEmail);
    const me = await t.http().get('/auth/me').set(withToken(moved.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id, email: newEmail, emailVerified: true });
    const events = await t.dataSource.query(
      `SELECT reason FROM revocation_events WHERE user_id = $1 AND type = 'user'`,
      [id],
    );
    expect(events).toEqual([{ reason: 'email_changed' }]);
  });

  it('refuses a wrong current password with 401 invalid_credentials and sends nothing', async () => {
    const { email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    const newEmail = uniqueEmail('moved');
    const res = await change(session.accessToken, { newEmail, currentPassword: 'wrong one' });
    expectError(res, 401, 'invalid_credentials');
    await t.flushMail();
    expect(await t.mail.inbox(newEmail)).toEqual([]);
  });

  it('does not tell that the new address has an account: 202, no link, a notice only', async () => {
    const { email } = await registerWithMail(t);
    const other = await registerWithMail(t);
    const session = await loginAs(t, email);
    await change(session.accessToken, { newEmail: other.email, currentPassword: PASSWORD }).expect(
      202,
    );
    await t.mail.waitFor(email, 2);
    await t.flushMail();
    expect(await t.mail.inbox(other.email)).toHaveLength(1); // its own verification only
  });

  it('binds the link to the new address: spent once, and useless on the reset route', async () => {
    const { email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    const newEmail = uniqueEmail('moved');
    await change(session.accessToken, { newEmail, currentPassword: PASSWORD }).expect(202);
    const token = linkToken((await t.mail.waitFor(newEmail))[0], '/verify-email');
    const reset = await t
      .http()
      .post('/auth/password/reset')
      .send({ token, newPassword: 'another passphrase' });
    expectError(reset, 400, 'invalid_email_token');
    await verify(t, token).expect(200);
    expectError(await verify(t, token), 400, 'invalid_email_token');
  });

  it('needs an access token (401 missing_token) and a valid body (400 validation_failed)', async () => {
    const body = { newEmail: uniqueEmail(), currentPassword: PASSWORD };
    expectError(await t.http().post('/auth/email/change').send(body), 401, 'missing_token');
    const session = await loginAs(t, (await registerWithMail(t)).email);
    const res = await change(session.accessToken, { newEmail: 'nope', currentPassword: PASSWORD });
    expectError(res, 400, 'validation_failed');
  });
});
