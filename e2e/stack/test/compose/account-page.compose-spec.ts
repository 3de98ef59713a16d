import type { Browser } from 'playwright-core';
import { PASSWORD, uniqueEmail } from '../support/client';
import { AccountPage } from '../browser/support/account-page';
import { launchChromium, newDevice, screenshot } from '../browser/support/chromium';
import { GATEWAY_URL } from './containers';

const SERVICES_ALL_OK = [
  'auth-service',
  'catalog-service',
  'orders-service',
  'billing-service',
].map((s) => `${s}: ✓ 200 OK`);

/**
 * The browser suite's smoke run (account-page.e2e-spec.ts drives the same page through a native
 * nginx with the compose template), here against the gateway `docker compose up` started: its
 * cookies are Secure, as in production, which browsers accept from http://localhost.
 */
describe('the account page through the compose gateway, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launchChromium()), 60_000);
  afterAll(() => browser?.close());

  it('signs up, shows every service’s answer, signs out, and signs in again', async () => {
    const context = await newDevice(browser, 'laptop');
    try {
      const page = await AccountPage.open(context, GATEWAY_URL);
      const email = uniqueEmail('compose');
      await page.signUp(email, PASSWORD);
      expect(await page.page.locator('#profile-email').textContent()).toBe(email);
      expect(await page.serviceAnswers()).toEqual(SERVICES_ALL_OK);
      const cookies = await context.cookies();
      // By its suffix: Secure cookies may carry a __Host- prefix.
      expect(cookies.find((c) => c.name.endsWith('access_token'))).toMatchObject({
        httpOnly: true,
        secure: true,
      });
      await screenshot(page.page, 'compose-account');
      await page.page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
      await page.signedOut(/You are signed out/);
      expect((await page.signIn(email, PASSWORD)).status()).toBe(200);
      expect(await page.serviceAnswers()).toEqual(SERVICES_ALL_OK);
    } finally {
      await context.close();
    }
  });
});
