import type { Page } from 'playwright-core';
import { PASSWORD, call, uniqueEmail } from '../support/client';
import { linkIn } from '../support/mail';
import { accessibilityViolations } from './support/axe';
import { BrowserStack } from './support/browser-stack';
import { screenshot } from './support/chromium';

/** docs/api.md "Accounts and e-mail": a forgotten password signs every device out, pushed. */
const SIGNED_OUT_WITHIN_MS = 10_000;
const SIGNED_OUT = /signed out: this session was ended/;
const NEW_PASSWORD = 'a brand new passphrase';

/** The banner of an address not confirmed yet (a region named by its heading). */
const banner = (page: Page) =>
  page.getByRole('region', { name: 'Confirm your e-mail address', exact: true });

async function expectAccessible(page: Page, view: string): Promise<void> {
  expect({ view, violations: await accessibilityViolations(page) }).toEqual({
    view,
    violations: [],
  });
}

/**
 * The e-mail flows of the account page in Chromium, each mail read from the stack list's mail
 * catcher through its REST API and its link opened as a user would open it.
 */
describe('the account page’s e-mail flows in Chromium, with the mail catcher', () => {
  const env = new BrowserStack({ mail: true });
  const { devices } = env;

  beforeAll(() => env.start(), 90_000);
  afterAll(() => env.stop());

  it('signs up, shows the banner, resends, opens the link from the mail, and the banner goes in every tab', async () => {
    const email = uniqueEmail('verify');
    const page = devices.laptop;
    await page.reset();
    await page.signUp(email, PASSWORD);
    await banner(page.page).waitFor();
    expect(await banner(page.page).textContent()).toContain(email);
    await expectAccessible(page.page, 'account with the banner');
    await screenshot(page.page, 'email-01-banner');

    await page.page.getByRole('button', { name: 'Resend the link' }).click();
    await page.notice.filter({ hasText: `A new link is on its way to ${email}` }).waitFor();
    const mail = await env.mailbox.waitFor(email, 'Confirm your e-mail address', 2);
    const link = linkIn(mail, '/verify-email');
    expect(link.origin).toBe(env.gateway.url);

    // Opened in a second tab of the same browser, as a mail client does.
    const tab = await page.page.context().newPage();
    try {
      await tab.goto(link.href);
      await tab.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
      await tab
        .getByRole('status')
        .filter({ hasText: 'Your e-mail address is confirmed' })
        .waitFor();
      expect(await banner(tab).isHidden()).toBe(true);
      // The token left the address bar (and so the history) at once.
      expect(tab.url()).toBe(`${env.gateway.url}/#/account`);
      // The first tab heard of it and dropped its banner too.
      await banner(page.page).waitFor({ state: 'hidden' });

      // The link works once: opened again, it says so.
      await tab.goto(link.href);
      await tab
        .getByRole('status')
        .filter({ hasText: 'This link is not valid any more' })
        .waitFor();
    } finally {
      await tab.close();
    }
  });

  it('resets a forgotten password on one browser by the mailed link, and the other browser is signed out within seconds', async () => {
    const email = await env.newUser(uniqueEmail('forgot'));
    const phone = await env.signedIn('phone', email);
    const laptop = devices.laptop;
    await laptop.reset();
    await laptop.page.getByRole('link', { name: 'Forgot password?' }).click();
    await laptop.heading('Forgot password?').waitFor();
    await expectAccessible(laptop.page, 'forgot password');
    await laptop.field('Email').fill(email);
    await laptop.page.getByRole('button', { name: 'Send the link' }).click();
    await laptop.notice.filter({ hasText: `If an account uses ${email}` }).waitFor();

    const mail = await env.mailbox.waitFor(email, 'Reset your password');
    const link = linkIn(mail, '/reset-password');
    await laptop.page.goto(link.href);
    await laptop.heading('Choose a new password').waitFor();
    expect(laptop.page.url()).not.toContain(link.hash);
    await expectAccessible(laptop.page, 'reset password');
    await screenshot(laptop.page, 'email-02-reset');
    await laptop.field('New password').fill(NEW_PASSWORD);
    const since = Date.now();
    await laptop.page.getByRole('button', { name: 'Set the new password' }).click();
    await laptop.signedOut(/Your password is changed and every device was signed out/);

    await phone.signedOut(SIGNED_OUT, SIGNED_OUT_WITHIN_MS);
    const elapsed = Date.now() - since;
    process.stdout.write(`reset on one browser → the other signed out after ${elapsed} ms\n`);
    expect(elapsed).toBeLessThan(SIGNED_OUT_WITHIN_MS);

    expect((await laptop.signIn(email, PASSWORD)).status()).toBe(401);
    expect((await laptop.signIn(email, NEW_PASSWORD)).status()).toBe(200);
  });

  it('changes the e-mail address once the new address confirms it, and tells the old one', async () => {
    const email = await env.newUser(uniqueEmail('change-old'));
    const newEmail = uniqueEmail('change-new');
    const page = await env.signedIn('tablet', email);
    const form = page.page.getByRole('region', { name: 'Change e-mail address' });
    await page.field('New e-mail address').fill(newEmail);
    await form.getByLabel('Your password').fill('not the password');
    await form.getByRole('button', { name: 'Change e-mail address' }).click();
    await form.getByRole('alert').filter({ hasText: 'Your password is wrong.' }).waitFor();

    await form.getByLabel('Your password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change e-mail address' }).click();
    await page.notice.filter({ hasText: `Check ${newEmail}` }).waitFor();
    await env.mailbox.waitFor(email, 'Your e-mail address is being changed');
    const mail = await env.mailbox.waitFor(newEmail, 'Confirm your new e-mail address');
    // Nothing changed before the new address answers.
    expect(await page.page.locator('#profile-email').textContent()).toBe(email);

    await page.page.goto(linkIn(mail, '/verify-email').href);
    await page.notice.filter({ hasText: 'Your e-mail address is confirmed' }).waitFor();
    await page.heading('My account').waitFor();
    expect(await page.page.locator('#profile-email').textContent()).toBe(newEmail);
    const login = await call(`${env.stack.auth.url}/auth/login`, {
      body: { email: newEmail, password: PASSWORD },
    });
    expect(login.status).toBe(200);
  });
});
