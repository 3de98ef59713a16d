import { MAIL_CATCHER, NodeProcess, freePort, loopbackUrls } from '@hybrid-auth/stack';
import { eventually } from './service-process';

/** A message as the mail catcher's REST API (MailDev's `GET /api/email`) describes it. */
export interface CaughtMail {
  id: string;
  subject: string;
  to: { address: string }[];
  text: string;
  html: string;
}

/** Mail read the way a developer reads it: through the catcher's REST API, never the database. */
export class Mailbox {
  constructor(readonly apiUrl: string) {}

  async messages(): Promise<CaughtMail[]> {
    const res = await fetch(`${this.apiUrl}/api/email`, { headers: { connection: 'close' } });
    if (!res.ok) throw new Error(`mail catcher answered ${res.status}`);
    return (await res.json()) as CaughtMail[];
  }

  /** The mails to `address` (with `subject`, when given), oldest first. */
  async to(address: string, subject?: string): Promise<CaughtMail[]> {
    return (await this.messages()).filter(
      (m) => m.to.some((t) => t.address === address) && (!subject || m.subject === subject),
    );
  }

  /** Waits until `count` such mails arrived; returns the newest. */
  async waitFor(address: string, subject: string, count = 1, timeoutMs = 15_000) {
    const mails = await eventually(async () => {
      const found = await this.to(address, subject);
      return found.length >= count ? found : undefined;
    }, timeoutMs).catch(() => {
      throw new Error(`no mail "${subject}" to ${address} within ${timeoutMs} ms`);
    });
    return mails[mails.length - 1];
  }
}

/** The first link to `page` (`/verify-email`, `/reset-password`) in a mail's text part. */
export function linkIn(mail: CaughtMail, page: string): URL {
  const match = new RegExp(`https?://\\S+${page}#token=[A-Za-z0-9_-]+`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in "${mail.subject}"`);
  return new URL(match[0]);
}

/** The stack list's mail catcher on free loopback ports, as npm start runs it. */
export class MailCatcherProcess extends NodeProcess {
  readonly mailbox: Mailbox;

  private constructor(
    readonly webPort: number,
    readonly smtpPort: number,
  ) {
    const urls = { ...loopbackUrls({ mail: webPort }), smtp: `smtp://127.0.0.1:${smtpPort}` };
    const args = MAIL_CATCHER.args!(urls);
    super({ name: 'mail catcher', script: MAIL_CATCHER.main, port: webPort, env: {}, args });
    this.mailbox = new Mailbox(this.url);
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  static async create(): Promise<MailCatcherProcess> {
    const catcher = new MailCatcherProcess(await freePort(), await freePort());
    await catcher.start({ health: MAIL_CATCHER.health });
    return catcher;
  }
}
