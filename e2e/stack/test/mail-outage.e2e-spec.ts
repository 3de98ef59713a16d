import { call, uniqueEmail } from './support/client';
import { MailCatcherProcess, linkIn } from './support/mail';
import { eventually } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUBJECT = 'Confirm your e-mail address';

/**
 * The mail server of the stack (the stack list's catcher, in a process of its own) stopped
 * while auth-service keeps taking sign-ups, then started again on the same ports: every mail
 * arrives, once, with a link that works. Read through the catcher's REST API only.
 */
describe('an SMTP server outage under the running stack', () => {
  let catcher: MailCatcherProcess;
  let stack: Stack;

  beforeAll(async () => {
    catcher = await MailCatcherProcess.create();
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      // Retried after 1 s, then 2, 4…: the mails of the outage arrive within seconds of its end.
      env: { auth: { SMTP_URL: catcher.smtpUrl, AUTH_MAIL_RETRY_BASE: '1' } },
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await catcher?.stop();
  });

  const register = (email: string) =>
    call(`${stack.auth.url}/auth/register`, { body: { email, password: 'correct horse battery' } });

  it('answers every sign-up while the mail server is down, and delivers every mail once it is back', async () => {
    const before = uniqueEmail('before-outage');
    expect((await register(before)).status).toBe(201);
    await catcher.mailbox.waitFor(before, SUBJECT);

    await catcher.stop();
    const during = Array.from({ length: 5 }, (_, i) => uniqueEmail(`outage-${i}`));
    for (const email of during) expect((await register(email)).status).toBe(201);
    // auth-service meets the refusals meanwhile (its outbox keeps the mail).
    await eventually(async () => {
      const metrics = await (await fetch(`${stack.auth.url}/metrics`)).text();
      return /^auth_mail_failures_total [1-9]/m.test(metrics);
    }, 15_000);

    await catcher.start({ health: '/api/healthz' });
    for (const email of during) {
      const mail = await catcher.mailbox.waitFor(email, SUBJECT, 1, 30_000);
      const verified = await call(`${stack.auth.url}/auth/email/verify`, {
        body: { token: linkIn(mail, '/verify-email').hash.slice('#token='.length) },
      });
      expect({ email, status: verified.status }).toEqual({ email, status: 200 });
    }
    // Once each: no mail of the outage was sent twice.
    const all = await catcher.mailbox.messages();
    for (const email of during) {
      expect({ email, count: all.filter((m) => m.to[0]?.address === email).length }).toEqual({
        email,
        count: 1,
      });
    }
  });
});
