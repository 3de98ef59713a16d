import { PASSWORD, randomIp, uniqueEmail } from './harness';
import { expectError } from './expectations';
import { loginAs, registerWithMail, startEmailApp, withToken } from './email-harness';
import type { EmailTestApp } from './email-harness';

describe('throttles on the routes that send mail', () => {
  let t: EmailTestApp;
  beforeAll(async () => {
    t = await startEmailApp({ AUTH_EMAIL_MAX_PER_ADDRESS: '2', AUTH_EMAIL_MAX_PER_IP: '4' });
  });
  afterAll(() => t.close());

  const forgot = (email: string, ip = randomIp()) =>
    t.http().post('/auth/password/forgot').set('x-forwarded-for', ip).send({ email });

  it('limits forgot per address, from any client IP, before any mail is written', async () => {
    const { email } = await registerWithMail(t);
    await forgot(email).expect(202);
    await forgot(email).expect(202);
    const refused = await forgot(email);
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await t.flushMail();
    expect(await t.mail.inbox(email)).toHaveLength(3); // verification + two reset links
  });

  it('limits forgot per client IP, for known and unknown addresses alike', async () => {
    const ip = randomIp();
    for (let i = 0; i < 4; i += 1) await forgot(uniqueEmail('ip'), ip).expect(202);
    expectError(await forgot(uniqueEmail('ip'), ip), 429, 'rate_limited');
  });

  it('limits resend per address', async () => {
    const { email } = await registerWithMail(t);
    const session = await loginAs(t, email);
    const resend = () =>
      t
        .http()
        .post('/auth/email/verify/resend')
        .set('x-forwarded-for', randomIp())
        .set(withToken(session.accessToken));
    await resend().expect(202);
    await resend().expect(202);
    expectError(await resend(), 429, 'rate_limited');
  });

  it('limits change per new address', async () => {
    const newEmail = uniqueEmail('target');
    for (let i = 0; i < 3; i += 1) {
      const { email } = await registerWithMail(t);
      const session = await loginAs(t, email);
      const res = await t
        .http()
        .post('/auth/email/change')
        .set('x-forwarded-for', randomIp())
        .set(withToken(session.accessToken))
        .send({ newEmail, currentPassword: PASSWORD });
      if (i < 2) expect(res.status).toBe(202);
      else expectError(res, 429, 'rate_limited');
    }
  });

  it('limits registration per address', async () => {
    const email = uniqueEmail();
    const register = () =>
      t
        .http()
        .post('/auth/register')
        .set('x-forwarded-for', randomIp())
        .send({ email, password: PASSWORD });
    await register().expect(201);
    await register().expect(201);
    expectError(await register(), 429, 'rate_limited');
  });
});
