import { PASSWORD, uniqueEmail } from './harness';
import { startEmailApp } from './email-harness';
import type { EmailTestApp } from './email-harness';

const metric = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
};

/**
 * A mail server outage delays mail and loses none. The relay marks a mail sent only after
 * the SMTP server accepted it, in that mail's own transaction, so delivery is at least once;
 * duplicates need a crash between acceptance and commit, which this test does not cause, so
 * here every mail must arrive exactly once.
 */
describe('mail delivery through an SMTP outage', () => {
  let t: EmailTestApp;
  beforeAll(async () => {
    t = await startEmailApp({ AUTH_MAIL_RETRY_BASE: '30' });
  });
  afterAll(() => t.close());

  const metrics = async () => (await t.http().get('/metrics').expect(200)).text;

  it('keeps committing while the mail server is down, and delivers every mail once when it is back', async () => {
    const before = [uniqueEmail('before')];
    await t
      .http()
      .post('/auth/register')
      .send({ email: before[0], password: PASSWORD })
      .expect(201);
    await t.mail.waitFor(before[0]);

    await t.mail.stop();
    const during = Array.from({ length: 5 }, () => uniqueEmail('during'));
    for (const email of during) {
      await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    }
    await t.flushMail();
    const down = await metrics();
    expect(metric(down, 'auth_mail_backlog')).toBe(during.length);
    expect(metric(down, 'auth_mail_failures_total')).toBeGreaterThanOrEqual(1);

    await t.mail.resume();
    // The failed mails wait for their backoff (30 s, then more): move the clock past it.
    t.clock.advance(3600);
    await t.flushMail();
    for (const email of during) await t.mail.waitFor(email);
    await t.flushMail();
    const all = await t.mail.messages();
    for (const email of [...before, ...during]) {
      expect(all.filter((m) => m.to.some((to) => to.address === email))).toHaveLength(1);
    }
    const up = await metrics();
    expect(metric(up, 'auth_mail_backlog')).toBe(0);
    expect(metric(up, 'auth_mail_sent_total')).toBe(before.length + during.length);
  });

  it('backs off exponentially: a failed mail is not retried before its delay', async () => {
    await t.mail.stop();
    try {
      const email = uniqueEmail('backoff');
      await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      await t.flushMail();
      // Failed attempts, counted by the metric (this mail is the only one in the outbox).
      const start = metric(await metrics(), 'auth_mail_failures_total') - 1;
      const attempts = async () => metric(await metrics(), 'auth_mail_failures_total') - start;
      expect(await attempts()).toBe(1);
      await t.flushMail();
      expect(await attempts()).toBe(1); // 30 s not over yet
      t.clock.advance(31);
      await t.flushMail();
      expect(await attempts()).toBe(2);
      t.clock.advance(31); // the second delay is 60 s
      await t.flushMail();
      expect(await attempts()).toBe(2);
      t.clock.advance(30);
      await t.flushMail();
      expect(await attempts()).toBe(3);
    } finally {
      await t.mail.resume();
    }
  });

  /** The outbox row of the one mail sent to `email`. */
  const outboxRow = async (email: string) =>
    (
      await t.dataSource.query(
        `SELECT attempts, given_up_at IS NOT NULL AS given_up, text_body, html_body,
                last_error IS NOT NULL AS has_error
           FROM mail_outbox WHERE recipient = $1`,
        [email],
      )
    )[0];

  it('gives up a mail the server still refuses 3 days after it was queued, and sends it no more', async () => {
    // Whatever earlier tests left due goes first, while the server is up.
    t.clock.advance(86_400);
    await t.flushMail();
    const givenUpBefore = metric(await metrics(), 'auth_mail_given_up_total');
    const email = uniqueEmail('bounces');
    await t.mail.stop();
    try {
      await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      await t.flushMail();
      t.clock.advance(3 * 86_400 - 60); // not yet: retried, not given up
      await t.flushMail();
      expect(await outboxRow(email)).toMatchObject({ attempts: 2, given_up: false });
      t.clock.advance(3600);
      await t.flushMail();
      expect(await outboxRow(email)).toEqual({
        attempts: 3,
        given_up: true,
        text_body: '',
        html_body: '',
        has_error: true,
      });
      const down = await metrics();
      expect(metric(down, 'auth_mail_given_up_total')).toBe(givenUpBefore + 1);
      expect(metric(down, 'auth_mail_backlog')).toBe(0);
    } finally {
      await t.mail.resume();
    }
    t.clock.advance(86_400);
    await t.flushMail();
    expect(await t.mail.inbox(email)).toEqual([]);
    expect((await outboxRow(email)).attempts).toBe(3);
  });
});
