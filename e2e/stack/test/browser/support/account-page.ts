import type { BrowserContext, Locator, Page, Response } from 'playwright-core';

export const PAGE_TIMEOUT = 10_000;

/**
 * The account page as a user sees it: found by roles, labels and visible text, never by
 * implementation details, so the tests also check that the page is usable with a screen reader.
 */
export class AccountPage {
  private constructor(
    readonly page: Page,
    private readonly origin: string,
  ) {
    page.setDefaultTimeout(PAGE_TIMEOUT);
  }

  /** Opens the page in a new tab of `context` and waits until it knows whether it is signed in. */
  static async open(context: BrowserContext, origin: string): Promise<AccountPage> {
    const account = new AccountPage(await context.newPage(), origin);
    await account.load();
    return account;
  }

  /** (Re)loads the page and waits until it shows a view (the account's data already in it). */
  async load(): Promise<void> {
    await this.page.goto(this.origin);
    await this.page.locator('#view-loading').waitFor({ state: 'hidden' });
  }

  /** The same device as new: no cookies, the page loaded afresh (quicker than a new context). */
  async reset(): Promise<void> {
    await this.page.context().clearCookies();
    await this.load();
  }

  /** The visible input labelled `label` (each view has its own form). */
  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true }).filter({ visible: true });
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  /** The live region every message goes to. */
  get notice(): Locator {
    return this.page.getByRole('status', { includeHidden: true });
  }

  get sessions(): Locator {
    return this.page
      .getByRole('list')
      .filter({ has: this.page.getByText('IP address') })
      .getByRole('listitem');
  }

  async signUp(email: string, password: string): Promise<void> {
    await this.page.getByRole('link', { name: 'Create an account' }).click();
    await this.heading('Create an account').waitFor();
    await this.field('Email').fill(email);
    await this.field('Password').fill(password);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await this.heading('My account').waitFor();
  }

  async signIn(email: string, password: string): Promise<Response> {
    await this.heading('Sign in').waitFor();
    await this.field('Email').fill(email);
    await this.field('Password').fill(password);
    const [login] = await Promise.all([
      this.page.waitForResponse((res) => res.url().endsWith('/auth/login')),
      this.page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    if (login.status() === 200) await this.heading('My account').waitFor();
    return login;
  }

  /** The "Sign out" button of the session listed for `device` ("Chrome on Android"…). */
  signOutButton(device: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^Sign out ${device}`) });
  }

  /** The texts of the services table, one `service: answer` line per row. */
  async serviceAnswers(): Promise<string[]> {
    const rows = this.page.getByRole('table').getByRole('row');
    const texts = await rows.evaluateAll((trs) =>
      trs
        .slice(1)
        .map(
          (tr) =>
            `${tr.querySelector('th')?.textContent ?? ''}: ${tr.querySelector('td')?.textContent ?? ''}`,
        ),
    );
    return texts;
  }

  /** Resolves once the page is on the sign-in view with a message mentioning `text`. */
  async signedOut(text: RegExp, timeout = PAGE_TIMEOUT): Promise<void> {
    await this.heading('Sign in').waitFor({ timeout });
    await this.notice.filter({ hasText: text }).waitFor({ timeout });
  }
}
