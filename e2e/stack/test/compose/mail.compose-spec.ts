import { call, signUp, uniqueEmail } from '../support/client';
import { Mailbox, linkIn } from '../support/mail';
import { GATEWAY_URL, nodeIn, publishedPorts, tcpFrom } from './containers';

/** The catcher's web UI and REST API as compose-test.sh publishes it on the host's loopback. */
const MAIL_URL = process.env.COMPOSE_MAIL_URL ?? 'http://127.0.0.1:1080';

/** docs/api.md, "Accounts and e-mail": `docker compose up` runs the same catcher as npm start. */
describe('docker compose up: mail through the development mail catcher', () => {
  const inbox = new Mailbox(MAIL_URL);

  it('delivers the verification mail of a sign-up through the gateway, with a link that verifies', async () => {
    const email = uniqueEmail('compose-mail');
    await signUp(GATEWAY_URL, email);
    const mail = await inbox.waitFor(email, 'Confirm your e-mail address', 1, 30_000);
    const link = linkIn(mail, '/verify-email');
    expect(`${link.origin}${link.pathname}`).toBe(`${GATEWAY_URL}/verify-email`);
    // The account page's route exists at the gateway (the token stays in the fragment).
    const page = await fetch(`${GATEWAY_URL}/verify-email`, { headers: { connection: 'close' } });
    expect(page.status).toBe(200);
    const verified = await call(`${GATEWAY_URL}/auth/email/verify`, {
      body: { token: link.hash.slice('#token='.length) },
    });
    expect({ status: verified.status, body: verified.body }).toEqual({
      status: 200,
      body: { emailVerified: true },
    });
  });

  it('publishes the catcher on the host’s loopback only, and lets only auth-service reach its SMTP', async () => {
    expect(publishedPorts('mail-catcher')).toEqual([`127.0.0.1:${new URL(MAIL_URL).port}`]);
    expect(await tcpFrom('auth-service', ['mail-catcher:1025'])).toEqual(['open']);
    const [fromBilling] = await tcpFrom('billing-service', ['mail-catcher:1025']);
    expect(fromBilling).not.toBe('open');
  });

  it('runs the catcher as a user without privileges, on a read-only root filesystem', () => {
    const probe = `
      const fs = require('node:fs');
      const writable = (dir) => { try { fs.writeFileSync(dir + '/probe', ''); fs.rmSync(dir + '/probe'); return true; } catch { return false; } };
      console.log(JSON.stringify({ uid: process.getuid(), srv: writable('/srv'),
        capabilities: /CapEff:\\s*0+$/m.test(fs.readFileSync('/proc/self/status', 'utf8')) ? 'none' : 'some' }))`;
    expect(JSON.parse(nodeIn('mail-catcher', probe))).toEqual({
      uid: 1000,
      srv: false,
      capabilities: 'none',
    });
  });
});
