import { PASSWORD } from '../support/client';
import { BrowserStack } from './support/browser-stack';
import { screenshot } from './support/chromium';

describe('the account page shows the user their own recent security activity', () => {
  const env = new BrowserStack();

  beforeAll(() => env.start(), 90_000);
  afterAll(() => env.stop());

  it('lists the failed attempt, the sign-in and the account creation, newest first, with device and address', async () => {
    const email = await env.newUser();
    const page = env.devices.laptop;
    await page.reset();
    expect((await page.signIn(email, 'not the password')).status()).toBe(401);
    expect((await page.signIn(email, PASSWORD)).status()).toBe(200);
    const activity = page.page
      .getByRole('region', { name: 'Recent security activity' })
      .getByRole('listitem');
    await activity.first().waitFor();
    const texts = await activity.allTextContents();
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/^Signed in.*Chrome on Linux · /);
    expect(texts[1]).toMatch(/^Failed sign-in attempt \(wrong password\).*Chrome on Linux/);
    expect(texts[2]).toMatch(/^Account created/);
    await screenshot(page.page, 'security-activity');
  });
});
