import type { Browser } from 'playwright-core';
import { PASSWORD, uniqueEmail } from '../../support/client';
import type { Upstreams } from '../../support/gateway';
import { MailCatcherProcess } from '../../support/mail';
import type { Mailbox } from '../../support/mail';
import { freePort } from '../../support/service-process';
import { Stack } from '../../support/stack';
import { AccountPage } from './account-page';
import { AttackerSite } from './attacker';
import { launchChromium, newDevice } from './chromium';
import type { Device } from './chromium';
import { WebGateway } from './web-gateway';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Waits for every promise, then fails with the first failure, if any. */
async function settleAll(promises: (Promise<unknown> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function started<T>(part: T | undefined, name: string): T {
  if (part === undefined) throw new Error(`${name} is not running`);
  return part;
}

/**
 * What the browser suite runs against: the stack (Stack.create), npm start's gateway in front
 * of it, an attacker's web site, and Chromium with three devices, each a browser context (its
 * own cookie jar) with the page open in a tab. With `mail`, auth-service sends through the
 * stack list's mail catcher, and its links point at the gateway.
 */
export class BrowserStack {
  readonly devices = {} as Record<Device, AccountPage>;
  private parts: {
    stack?: Stack;
    gateway?: WebGateway;
    browser?: Browser;
    attacker?: AttackerSite;
    mail?: MailCatcherProcess;
  } = {};

  constructor(private readonly options: { mail?: boolean } = {}) {}

  /** The mail catcher's inbox, read through its REST API (only with `mail`). */
  get mailbox(): Mailbox {
    return started(this.parts.mail, 'the mail catcher').mailbox;
  }
  get mailCatcher(): MailCatcherProcess {
    return started(this.parts.mail, 'the mail catcher');
  }

  get stack(): Stack {
    return started(this.parts.stack, 'the stack');
  }
  get gateway(): WebGateway {
    return started(this.parts.gateway, 'the gateway');
  }
  get browser(): Browser {
    return started(this.parts.browser, 'Chromium');
  }
  get attacker(): AttackerSite {
    return started(this.parts.attacker, 'the attacker site');
  }

  async start(): Promise<void> {
    // Side by side, each kept as soon as it runs: when one fails, stop() still ends the others
    // (a Chromium left running would keep Jest from exiting).
    const parts = this.parts;
    const gatewayPort = await freePort();
    let auth: Record<string, string> | undefined;
    if (this.options.mail) {
      parts.mail = await MailCatcherProcess.create();
      auth = {
        SMTP_URL: parts.mail.smtpUrl,
        AUTH_PUBLIC_URL: `http://localhost:${gatewayPort}`,
        // A mail that met the catcher stopped is tried again soon (5 s by default).
        AUTH_MAIL_RETRY_BASE: '1',
      };
    }
    await settleAll([
      Stack.create({ redisUrl: MACHINE_REDIS, env: { auth } }).then(
        (stack) => (parts.stack = stack),
      ),
      launchChromium().then((browser) => (parts.browser = browser)),
      AttackerSite.start().then((attacker) => (parts.attacker = attacker)),
    ]);
    parts.gateway = await WebGateway.start(this.stack, gatewayPort);
    await Promise.all(
      (['laptop', 'phone', 'tablet'] as const).map(async (kind) => {
        const context = await newDevice(this.browser, kind);
        this.devices[kind] = await AccountPage.open(context, this.gateway.url);
      }),
    );
  }

  async stop(): Promise<void> {
    const { browser, gateway, attacker, stack, mail } = this.parts;
    await settleAll([browser?.close(), gateway?.stop(), attacker?.stop()]);
    await stack?.stop();
    await mail?.stop();
  }

  /** The services, as the gateways' upstreams. */
  upstreams(): Upstreams {
    const at = (service: { port: number }) => `127.0.0.1:${service.port}`;
    return {
      AUTH_UPSTREAM: at(this.stack.auth),
      CATALOG_UPSTREAM: at(this.stack.catalog),
      ORDERS_UPSTREAM: at(this.stack.orders),
      BILLING_UPSTREAM: at(this.stack.billing),
    };
  }

  /** A user made through the API (only the sign-up test needs the form); returns the email. */
  async newUser(email = uniqueEmail('browser')): Promise<string> {
    const res = await fetch(`${this.stack.auth.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
    return email;
  }

  /** The device `kind`, reset (no cookies) and signed in as `email` through the page. */
  async signedIn(kind: Device, email: string, password = PASSWORD): Promise<AccountPage> {
    const page = this.devices[kind];
    await page.reset();
    const login = await page.signIn(email, password);
    if (login.status() !== 200) throw new Error(`sign-in on the ${kind}: ${login.status()}`);
    return page;
  }
}
