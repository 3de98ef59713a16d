import { PASSWORD, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { eventually } from './revocation-feed';
import { MailCatcher } from './support/mail-catcher';

/**
 * The mail tables keep what still matters only: sent mails go after an hour (their bodies,
 * which hold link tokens in clear, at once on sending), spent or expired link tokens after a
 * day, mails given up after a week, in batches, at start and every ten minutes. A mail still
 * being retried is never deleted.
 */
describe('cleanup of sent mail and spent link tokens', () => {
  let t: AuthTestApp;
  let mail: MailCatcher;
  beforeAll(async () => (mail = await MailCatcher.start()));
  afterAll(async () => {
    await t?.close();
    await mail.close();
  });

  it('deletes thousands of old rows in batches, and keeps unsent mail and live links', async () => {
    const env = { SMTP_URL: mail.smtpUrl };
    t = await startAuthApp(env);
    const count = async (sql: string) => Number((await t.dataSource.query(sql))[0].n);
    const email = uniqueEmail('cleanup');
    const res = await t.http().post('/auth/register').send({ email, password: PASSWORD });
    const userId = res.body.id as string;
    await mail.waitFor(email);
    // Sent just now: kept, but without its bodies (the link's token in clear).
    await eventually(
      async () =>
        (await count('SELECT count(*) AS n FROM mail_outbox WHERE sent_at IS NOT NULL')) === 1,
      10_000,
    );
    const [sent] = await t.dataSource.query('SELECT text_body, html_body FROM mail_outbox');
    expect(sent).toEqual({ text_body: '', html_body: '' });

    // More than two batches of each kind: sent two hours ago, expired or used two days ago.
    await t.dataSource.query(
      `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, attempts, next_attempt_at, sent_at, created_at)
       SELECT 'old@example.com', 'old', '', '', 1, now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours'
       FROM generate_series(1, 2500)`,
    );
    const token = (purpose: string, expires: string, used: string) =>
      t.dataSource.query(
        `INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at, used_at, created_at)
         SELECT decode(md5(random()::text || i), 'hex'), $1, '${purpose}', $2, ${expires}, ${used}, now() - interval '3 days'
         FROM generate_series(1, 2500) AS i`,
        [userId, email],
      );
    await token('verify', "now() - interval '2 days'", 'NULL');
    await token('reset', "now() + interval '1 hour'", "now() - interval '2 days'");
    // Kept: an unsent mail however old (due later, so the relay leaves it alone meanwhile),
    // and a link that expired only an hour ago.
    await t.dataSource.query(
      `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, attempts, next_attempt_at, created_at)
       VALUES ('waiting@example.com', 'waiting', 't', 'h', 40, now() + interval '1 hour', now() - interval '30 days')`,
    );
    // Given up: deleted after a week, kept before.
    await t.dataSource.query(
      `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, attempts, next_attempt_at, given_up_at, created_at)
       VALUES ('bounced-long-ago@example.com', 'gone', '', '', 30, now(), now() - interval '8 days', now() - interval '11 days'),
              ('bounced@example.com', 'kept', '', '', 30, now(), now() - interval '2 days', now() - interval '5 days')`,
    );
    await t.dataSource.query(
      `INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at, created_at)
       VALUES ('\\x01', $1, 'reset', $2, now() - interval '1 hour', now() - interval '2 hours')`,
      [userId, email],
    );

    // The relay cleans up at start: restart on the same database.
    await t.close({ keepDatabase: true });
    t = await startAuthApp(env, { db: t.db });
    await eventually(
      async () => (await count('SELECT count(*) AS n FROM mail_outbox')) === 3,
      20_000,
    );
    await eventually(
      async () => (await count('SELECT count(*) AS n FROM email_tokens')) === 2,
      20_000,
    );
    const left = await t.dataSource.query('SELECT recipient FROM mail_outbox ORDER BY id');
    expect(left.map((r: { recipient: string }) => r.recipient)).toEqual([
      email,
      'waiting@example.com',
      'bounced@example.com',
    ]);
    const tokens = await t.dataSource.query(
      'SELECT purpose, used_at IS NULL AS unused, expires_at > now() AS live FROM email_tokens ORDER BY created_at',
    );
    expect(tokens).toEqual([
      { purpose: 'reset', unused: true, live: false },
      { purpose: 'verify', unused: true, live: true },
    ]);
  });
});
