import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookRelay } from '../src/webhooks/webhook-relay';
import { signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { WebhookReceiver } from './support/webhook-receiver';

describe('webhooks with two replicas: one sender at a time, every event once, in order', () => {
  const receiver = new WebhookReceiver(`whsec_${randomBytes(32).toString('base64')}`);
  let a: AuthTestApp;
  let b: AuthTestApp;

  beforeAll(async () => {
    await receiver.start();
    const file = join(mkdtempSync(join(tmpdir(), 'webhooks-')), 'webhooks.json');
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [{ id: 'all', url: receiver.url, secret: receiver.secret, events: ['*'] }],
      }),
    );
    a = await startAuthApp({ AUTH_WEBHOOKS_FILE: file });
    b = await startAuthApp({ AUTH_WEBHOOKS_FILE: file }, { db: a.db });
  });
  afterAll(async () => {
    await b.close({ keepDatabase: true });
    await a.close();
    await receiver.stop();
  });

  it('delivers what both replicas record exactly once, each user in order', async () => {
    const users = [];
    for (let i = 0; i < 6; i += 1) users.push(await signUpAndLogin(i % 2 === 0 ? a : b));
    await Promise.all([a.app.get(WebhookRelay).flush(), b.app.get(WebhookRelay).flush()]);
    const received = await receiver.waitFor(12);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(12);
    expect(new Set(received.map((r) => r.id)).size).toBe(12);
    for (const u of users) {
      expect(
        received.filter((r) => r.payload.data.userId === u.user.id).map((r) => r.payload.type),
      ).toEqual(['user_registered', 'login_succeeded']);
    }
  });
});
