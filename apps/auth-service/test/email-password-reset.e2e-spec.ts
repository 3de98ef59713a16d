import { ForgotPassword } from '../src/email/forgot-password';
import { PASSWORD, uniqueEmail } from './harness';
import { expectError, login } from './expectations';
import {
  PUBLIC_URL,
  linkToken,
  loginAs,
  registerWithMail,
  startEmailApp,
  withToken,
} from './email-harness';
import type { EmailTestApp } from './email-harness';

const NEW_PASSWORD = 'a brand new passphrase';

describe('forgot and reset password', () => {
  let t: EmailTestApp;
  beforeAll(async () => {
    t = await startEmailApp();
  });
  afterAll(() => t.close());

  const forgot = (email: string) => t.http().post('/auth/password/forgot').send({ email });
  const reset = (token: string, newPassword = NEW_PASSWORD) =>
    t.http().post('/auth/password/reset').send({ token, newPassword });
  const resetToken = async (email: string) => {
    await forgot(email).expect(202);
    const mails = await t.mail.waitFor(email, 2);
    const mail = mails.find((m) => m.subject === 'Reset your password')!;
    expect(mail.text).toContain(`${PUBLIC_URL}/reset-password#token=`);
    expect(mail.text).toContain('If this was not you');
    return linkToken(mail, '/reset-password');
  };

  it('answers 202 for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('nobody');
    await forgot(email).expect(202);
    await t.app.get(ForgotPassword).settled();
    await t.flushMail();
    expect(await t.mail.inbox(email)).toEqual([]);
  });

  it('sets the password, verifies the address and ends every session (204)', async () => {
    const { email } = await registerWithMail(t);
    const first = await loginAs(t, email);
    const second = await loginAs(t, email);
    const token = await resetToken(email);
    await reset(token).expect(204);
    for (const session of [first, second]) {
      expectError(
        await t.http().get('/auth/me').set(withToken(session.accessToken)),
        401,
        'session_revoked',
      );
      expectError(
        await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }),
        401,
        'invalid_refresh_token',
      );
    }
    expectError(await login(t, email, PASSWORD), 401, 'invalid_credentials');
    const fresh = await loginAs(t, email, NEW_PASSWORD);
    const me = await t.http().get('/auth/me').set(withToken(fresh.accessToken)).expect(200);
    expect(me.body.emailVerified).toBe(true);
  });

  it('pushes the revocations through the outbox like a logout-all', async () => {
    const { id, email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    await reset(await resetToken(email)).expect(204);
    const events = await t.dataSource.query(
      `SELECT type, session_id FROM revocation_events WHERE user_id = $1`,
      [id],
    );
    expect(events).toEqual([{ type: 'session', session_id: session.sessionId }]);
  });

  it('spends a link once: 400 invalid_email_token the second time', async () => {
    const { email } = await registerWithMail(t);
    const token = await resetToken(email);
    await reset(token).expect(204);
    expectError(await reset(token, 'yet another passphrase'), 400, 'invalid_email_token');
  });

  it('expires a link after 1 h by default', async () => {
    const { email } = await registerWithMail(t);
    const token = await resetToken(email);
    t.clock.advance(3601);
    try {
      expectError(await reset(token), 400, 'invalid_email_token');
    } finally {
      t.clock.advance(-3601);
    }
  });

  it('refuses a verification token on the reset route', async () => {
    const { token } = await registerWithMail(t);
    expectError(await reset(token), 400, 'invalid_email_token');
  });

  it('validates the body: 400 validation_failed', async () => {
    expectError(await forgot('not-an-address'), 400, 'validation_failed');
    expectError(await reset('x', 'short'), 400, 'validation_failed');
  });
});
