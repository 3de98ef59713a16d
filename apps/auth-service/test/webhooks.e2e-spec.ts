import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookRelay } from '../src/webhooks/webhook-relay';
import { PASSWORD, bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { WebhookReceiver } from './support/webhook-receiver';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

function webhooksFile(endpoints: object[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'webhooks-')), 'webhooks.json');
  writeFileSync(path, JSON.stringify({ endpoints }));
  return path;
}

const metric = async (t: AuthTestApp, name: string) => {
  const text = (await t.http().get('/metrics').expect(200)).text;
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : NaN;
};

describe('webhooks: signed deliveries from the outbox, in order per user, none lost', () => {
  let t: AuthTestApp;
  const all = new WebhookReceiver(secret());
  const logins = new WebhookReceiver(secret());
  const forged = new WebhookReceiver(secret());
  // An endpoint nobody listens on (a port taken, then freed): every attempt is refused.
  const dead = new WebhookReceiver(secret());

  beforeAll(async () => {
    await all.start();
    await logins.start();
    await forged.start();
    await dead.start();
    await dead.stop();
    t = await startAuthApp({
      AUTH_WEBHOOKS_FILE: webhooksFile([
        { id: 'all', url: all.url, secret: all.secret, events: ['*'] },
        { id: 'logins', url: logins.url, secret: logins.secret, events: ['login_succeeded'] },
        // Signed with another secret than the receiver holds: every delivery fails verification.
        { id: 'forged', url: forged.url, secret: secret(), events: ['user_registered'] },
        { id: 'dead', url: dead.url, secret: dead.secret, events: ['password_changed'] },
      ]),
      AUTH_WEBHOOK_RETRY_BASE: '1',
      AUTH_WEBHOOK_RETRY_MAX: '1',
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([all.stop(), logins.stop(), forged.stop()]);
  });

  it('delivers each subscribed event, signed as Standard Webhooks, with the event id as webhook-id', async () => {
    const session = await signUpAndLogin(t);
    const received = await all.waitFor(2);
    expect(received.map((r) => r.payload.type)).toEqual(['user_registered', 'login_succeeded']);
    expect(received[1].payload.data).toMatchObject({
      userId: session.user.id,
      sessionId: session.sessionId,
    });
    expect(received[1].id).toBe(`evt_${received[1].payload.data.id}`);
    const [login] = await logins.waitFor(1);
    expect(login.payload.type).toBe('login_succeeded');
    // A receiver with another secret refuses every delivery: the signature is real.
    await t.app.get(WebhookRelay).flush();
    expect(forged.received).toEqual([]);
    expect(forged.rejected.length).toBeGreaterThan(0);
  });

  it('loses nothing while the receiver is down, and delivers every event in order after it restarts', async () => {
    const before = all.received.length;
    await all.stop();
    const users = [];
    for (let i = 0; i < 3; i += 1) users.push(await signUpAndLogin(t, uniqueEmail(`down${i}`)));
    for (const u of users) {
      await t.http().post('/auth/logout').set(bearer(u.accessToken)).expect(204);
      await t
        .http()
        .post('/auth/login')
        .send({ email: u.user.email, password: PASSWORD })
        .expect(200);
    }
    await t.app.get(WebhookRelay).flush();
    expect(await metric(t, 'auth_webhook_backlog')).toBeGreaterThan(0);
    expect(await metric(t, 'auth_webhook_deliveries_total{outcome="failed"}')).toBeGreaterThan(0);
    await all.start();
    const received = (await all.waitFor(before + 12)).slice(before);
    expect(received).toHaveLength(12);
    for (const u of users) {
      const mine = received.filter((r) => r.payload.data.userId === u.user.id);
      expect(mine.map((r) => r.payload.type)).toEqual([
        'user_registered',
        'login_succeeded',
        'logout',
        'login_succeeded',
      ]);
      const ids = mine.map((r) => Number(r.payload.data.id));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    }
    await t.app.get(WebhookRelay).flush();
    const pending = await t.dataSource.query(
      `SELECT endpoint, count(*)::int AS n FROM webhook_deliveries
       WHERE delivered_at IS NULL AND failed_at IS NULL GROUP BY endpoint`,
    );
    // Only the endpoint that refuses every signature still has deliveries waiting (retried).
    expect(pending).toEqual([{ endpoint: 'forged', n: 4 }]);
    expect(await metric(t, 'auth_webhook_backlog')).toBe(4);
  });

  it("retries a refused delivery with backoff, holds the user's later events behind it, and gives up after AUTH_WEBHOOK_GIVE_UP_AFTER", async () => {
    const u = await signUpAndLogin(t);
    const change = (from: string, to: string) =>
      t
        .http()
        .post('/auth/password')
        .set(bearer(u.accessToken))
        .send({ currentPassword: from, newPassword: to })
        .expect(204);
    await change(PASSWORD, 'second password 2');
    await change('second password 2', 'third password 3');
    const relay = t.app.get(WebhookRelay);
    await relay.flush();
    const state = () =>
      t.dataSource.query(
        `SELECT d.attempts, d.failed_at IS NOT NULL AS failed, d.last_error IS NOT NULL AS erred
         FROM webhook_deliveries d JOIN auth_events e ON e.id = d.event_id
         WHERE d.endpoint = 'dead' AND e.user_id = $1 ORDER BY d.id`,
        [u.user.id],
      );
    // The first was tried and refused; the second waits behind it, never tried.
    expect(await state()).toEqual([
      { attempts: 1, failed: false, erred: true },
      { attempts: 0, failed: false, erred: false },
    ]);
    t.clock.advance(t.config.events.webhooks.giveUpSeconds + 1);
    await relay.flush();
    await relay.flush();
    const after = await state();
    expect(after.map((r: { failed: boolean }) => r.failed)).toEqual([true, true]);
    expect(after[1].attempts).toBe(1);
    expect(
      await metric(t, `auth_webhook_deliveries_total{outcome="given_up"}`),
    ).toBeGreaterThanOrEqual(2);
  });
});
