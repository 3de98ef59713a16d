import { MailRelay } from '../src/mail/mail-relay';
import { PASSWORD, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { PUBLIC_URL, startEmailApp } from './email-harness';
import type { EmailTestApp } from './email-harness';

/**
 * Two replicas of auth-service on one database, sending to one SMTP server: both write mail
 * to the outbox and both run a relay, and every mail still leaves once. The mails pile up
 * while the server is down, so both relays meet the same backlog when it is back.
 */
describe('mail with two replicas', () => {
  let a: EmailTestApp;
  let b: AuthTestApp;

  beforeAll(async () => {
    a = await startEmailApp({ AUTH_MAIL_RETRY_BASE: '30' });
    b = await startAuthApp(
      {
        SMTP_URL: a.mail.smtpUrl,
        MAIL_FROM: 'Hybrid Auth <no-reply@hybrid-auth.test>',
        AUTH_PUBLIC_URL: PUBLIC_URL,
        AUTH_MAIL_RETRY_BASE: '30',
      },
      { db: a.db, clock: a.clock },
    );
  });
  afterAll(async () => {
    await b?.close({ keepDatabase: true });
    await a?.close();
  });

  /** Signs up `count` new addresses, every other one on each replica. */
  const registerOnBoth = async (count: number, tag: string) => {
    const emails = Array.from({ length: count }, () => uniqueEmail(tag));
    await Promise.all(
      emails.map((email, i) =>
        (i % 2 ? b : a)
          .http()
          .post('/auth/register')
          .send({ email, password: PASSWORD })
          .expect(201),
      ),
    );
    return emails;
  };
  const flushBoth = () => Promise.all([a.app.get(MailRelay).flush(), b.app.get(MailRelay).flush()]);

  it('sends every mail exactly once, also a backlog both relays meet at once', async () => {
    const live = await registerOnBoth(6, 'live');
    for (const email of live) await a.mail.waitFor(email);

    await a.mail.stop();
    const backlog = await registerOnBoth(10, 'backlog');
    await flushBoth();
    await a.mail.resume();
    a.clock.advance(3600); // past the backoff of the failed attempts (one clock for both)
    await flushBoth();
    for (const email of backlog) await a.mail.waitFor(email);
    await flushBoth();

    const all = await a.mail.messages();
    for (const email of [...live, ...backlog]) {
      expect([email, all.filter((m) => m.to.some((to) => to.address === email)).length]).toEqual([
        email,
        1,
      ]);
    }
    const [{ unsent }] = await a.dataSource.query(
      `SELECT count(*)::int AS unsent FROM mail_outbox WHERE sent_at IS NULL`,
    );
    expect(unsent).toBe(0);
  });
});
