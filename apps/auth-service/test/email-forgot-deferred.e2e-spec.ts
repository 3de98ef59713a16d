import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createTestDatabase } from '@hybrid-auth/database/testing';
import { ForgotPassword } from '../src/email/forgot-password';
import { uniqueEmail } from './harness';
import { registerWithMail, startEmailApp } from './email-harness';
import type { EmailTestApp } from './email-harness';
import { TcpProxy } from './tcp-proxy';

/**
 * "Forgot password" answers before it writes (so the answer's time cannot tell known
 * addresses from unknown ones). These tests show that answering first loses nothing.
 */
describe('forgot password: the work behind the answer', () => {
  const resetMails = async (t: EmailTestApp, email: string) =>
    (await t.mail.inbox(email)).filter((m) => m.subject === 'Reset your password');

  const resetTokens = async (t: EmailTestApp, email: string) => {
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM email_tokens WHERE email = $1 AND purpose = 'reset'`,
      [email],
    );
    return rows[0].n as number;
  };

  describe('on a healthy database', () => {
    let t: EmailTestApp;
    beforeAll(async () => {
      t = await startEmailApp();
    });
    afterAll(() => t.close());

    it('writes nothing and sends nothing for an unknown address', async () => {
      const email = uniqueEmail('nobody');
      await t.http().post('/auth/password/forgot').send({ email }).expect(202);
      await t.app.get(ForgotPassword).settled();
      await t.flushMail();
      expect(await resetTokens(t, email)).toBe(0);
      expect(await t.mail.inbox(email)).toEqual([]);
    });

    it('writes the link and the mail for a known address once the answer has gone', async () => {
      const { email } = await registerWithMail(t);
      await t.http().post('/auth/password/forgot').send({ email }).expect(202);
      await t.app.get(ForgotPassword).settled();
      expect(await resetTokens(t, email)).toBe(1);
      await t.mail.waitFor(email, 2);
      expect(await resetMails(t, email)).toHaveLength(1);
    });
  });

  describe('with PostgreSQL away when the request comes', () => {
    const proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
    let t: EmailTestApp;
    beforeAll(async () => {
      const db = await createTestDatabase('auth');
      const url = new URL(db.url);
      url.port = String(await proxy.start());
      t = await startEmailApp({ DATABASE_URL: url.toString() }, { db });
    });
    afterAll(async () => {
      await t.close();
      await proxy.cut();
    });

    it('answers 202 at once and sends the mail when the database is back', async () => {
      const { email } = await registerWithMail(t);
      await t.flushMail(); // the verification mail marked sent before the cut
      await proxy.cut();
      try {
        await t.http().post('/auth/password/forgot').send({ email }).expect(202);
        // The first attempt has failed; the next is due 1 s later.
        await sleep(300);
        expect(await resetMails(t, email)).toEqual([]);
      } finally {
        await proxy.start();
      }
      await t.app.get(ForgotPassword).settled();
      // Delivery is at least once: count the reset mails, not all mails.
      await waitUntil(async () => (await resetMails(t, email)).length > 0);
      expect(await resetTokens(t, email)).toBe(1);
    });
  });

  describe('across a shutdown', () => {
    it('finishes a request answered just before the service stops', async () => {
      const t = await startEmailApp();
      const { email } = await registerWithMail(t);
      const blocker = new Client({ connectionString: t.db.url });
      await blocker.connect();
      try {
        // Hold the write up: the insert waits on this lock while the service begins to stop.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE email_tokens IN EXCLUSIVE MODE');
        await t.http().post('/auth/password/forgot').send({ email }).expect(202);
        await waitUntil(
          async () =>
            (
              await blocker.query(
                `SELECT count(*)::int AS n FROM pg_locks
                  WHERE relation = 'email_tokens'::regclass AND NOT granted`,
              )
            ).rows[0].n > 0,
        );
        let closed = false;
        const closing = t.close({ keepDatabase: true }).then(() => (closed = true));
        await sleep(200);
        expect(closed).toBe(false);
        await blocker.query('COMMIT');
        await closing;
        const { rows } = await blocker.query(
          `SELECT (SELECT count(*)::int FROM email_tokens WHERE email = $1 AND purpose = 'reset') AS tokens,
                  (SELECT count(*)::int FROM mail_outbox WHERE recipient = $1 AND subject = 'Reset your password') AS mails`,
          [email],
        );
        expect(rows[0]).toEqual({ tokens: 1, mails: 1 });
      } finally {
        await blocker.end();
        await t.db.drop();
      }
    });
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
