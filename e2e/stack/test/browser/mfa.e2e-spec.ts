import type { Browser, BrowserContext } from 'playwright-core';
import { PASSWORD, uniqueEmail } from '../support/client';
import { freePort } from '../support/service-process';
import { Stack } from '../support/stack';
import { AccountPage } from './support/account-page';
import { accessibilityViolations } from './support/axe';
import { totpCode } from './support/authenticator-app';
import { launchChromium, newDevice, screenshot } from './support/chromium';
import { WebGateway } from './support/web-gateway';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The claims of the access cookie the page holds (decoded, not verified: what was issued). */
async function accessClaims(context: BrowserContext): Promise<Record<string, unknown>> {
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('access_token'));
  if (!cookie) throw new Error('no access cookie');
  return JSON.parse(Buffer.from(cookie.value.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * A new user, as a new user would: TOTP with the QR code, recovery codes, the code asked
 * after a password sign-in, and a passkey through Chromium's virtual authenticator (CDP
 * WebAuthn domain), then a sign-in with the passkey alone. The page's origin is
 * http://localhost:<port> and auth-service is told so (AUTH_PUBLIC_URL): a passkey belongs to
 * one site, and an IP address cannot be a WebAuthn relying party.
 */
describe('multi-factor sign-in on the account page, in Chromium', () => {
  let stack: Stack;
  let gateway: WebGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: AccountPage;

  beforeAll(async () => {
    const port = await freePort();
    [stack, browser] = await Promise.all([
      Stack.create({
        redisUrl: MACHINE_REDIS,
        env: { auth: { AUTH_PUBLIC_URL: `http://localhost:${port}` } },
      }),
      launchChromium(),
    ]);
    gateway = await WebGateway.start(stack, port);
    context = await newDevice(browser, 'laptop');
    page = await AccountPage.open(context, gateway.url);
  }, 90_000);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), gateway?.stop()]);
    await stack?.stop();
  });

  const button = (name: string) => page.page.getByRole('button', { name, exact: true });
  /** The password form alone: for an enrolled user the step-up view follows, not the account. */
  const passwordSignIn = async (email: string) => {
    await page.field('Email').fill(email);
    await page.field('Password').fill(PASSWORD);
    await button('Sign in').click();
    await page.heading('Two-step verification').waitFor();
  };
  /** The titles of "Recent security activity", newest first, once `newest` is on top. */
  const activity = async (newest: string) => {
    const items = page.page
      .getByRole('region', { name: 'Recent security activity' })
      .getByRole('listitem');
    await items.first().filter({ hasText: newest }).waitFor();
    return items.allTextContents();
  };
  const signOut = async () => {
    await page.page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.heading('Sign in').waitFor();
  };

  it('sets up an authenticator app from the QR code, shows the recovery codes once, and asks for a code after the password', async () => {
    const email = uniqueEmail('totp');
    await page.signUp(email, PASSWORD);
    await button('Set up an authenticator app').click();
    const qr = page.page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = (await page.page.locator('#mfa-secret').textContent())!;
    await page.field('Code from the app').fill(totpCode(secret, Date.now()));
    await button('Turn on').click();
    const codes = page.page.getByRole('list').filter({ has: page.page.locator('code') });
    await page.page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    const recoveryCodes = await page.page.locator('#mfa-recovery-codes code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await screenshot(page.page, 'mfa-01-recovery-codes');
    expect(await accessibilityViolations(page.page)).toEqual([]);
    await button('I have saved these codes').click();
    expect(await codes.count()).toBe(0);
    await page.page.locator('#mfa-status', { hasText: /^On:/ }).waitFor();
    expect(await accessClaims(context)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'otp'] });

    // Next sign-in: the password, then a code (the next time step's: this one was spent).
    await signOut();
    await passwordSignIn(email);
    await screenshot(page.page, 'mfa-02-step-up');
    expect(await accessibilityViolations(page.page)).toEqual([]);
    await page.field('Code').fill('000000' === totpCode(secret, Date.now()) ? '111111' : '000000');
    await button('Verify').click();
    await page.page.getByText('That code is not right').waitFor();
    await page.field('Code').fill(totpCode(secret, Date.now() + 30_000));
    await button('Verify').click();
    await page.heading('My account').waitFor();
    expect(await page.sessions.count()).toBe(1);
    expect(await accessClaims(context)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'otp'] });

    // And once with a recovery code.
    await signOut();
    await passwordSignIn(email);
    await page.field('Code').fill(recoveryCodes[0]);
    await button('Verify').click();
    await page.heading('My account').waitFor();
    expect(await accessClaims(context)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'recovery'] });

    // The account's activity tells each step in words.
    const texts = await activity('Second step of sign-in completed with a recovery code');
    expect(texts[1]).toMatch(/^A recovery code was used \(9 left\)/);
    expect(texts).toContainEqual(
      expect.stringMatching(
        /^Failed two-step sign-in: authenticator code refused \(wrong code\).*Chrome on Linux/,
      ),
    );
    expect(texts).toContainEqual(
      expect.stringMatching(/^Second step of sign-in completed with an authenticator code/),
    );
    expect(texts).toContainEqual(expect.stringMatching(/^Two-step sign-in turned on/));
    await screenshot(page.page, 'mfa-04-activity');
    await signOut();
  });

  it('adds a passkey with the virtual authenticator and signs in with it alone', async () => {
    const cdp = await context.newCDPSession(page.page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const email = uniqueEmail('passkey');
    await page.signUp(email, PASSWORD);
    await button('Add a passkey').click();
    await page.page.getByText('Passkey added. You can now sign in with it.').waitFor();
    expect(await page.page.locator('#passkeys li').count()).toBe(1);
    await screenshot(page.page, 'mfa-03-passkey');

    await signOut();
    await button('Sign in with a passkey').click();
    await page.heading('My account').waitFor();
    expect(await page.page.locator('#profile-email').textContent()).toBe(email);
    expect(await accessClaims(context)).toMatchObject({ aal: 'aal2', amr: ['webauthn'] });
    const texts = await activity('Signed in with a passkey');
    expect(texts[0]).toMatch(/Chrome on Linux/);
    expect(texts).toContainEqual(expect.stringMatching(/^Passkey added/));
  });
});
