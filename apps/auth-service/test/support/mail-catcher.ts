import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A message as MailDev's REST API (`GET /api/email`) describes it. */
export interface CaughtMail {
  id: string;
  subject: string;
  to: { address: string }[];
  text: string;
  html: string;
}

/** A free TCP port on loopback, as the kernel hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** MailDev's command-line entry, found in the nearest node_modules up from here. */
function maildevBin(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('maildev is not installed (npm ci)');
  }
}

/**
 * A real development mail catcher (MailDev) in a child process, on loopback ports of its
 * own: SMTP for the service under test, and the REST API tests read mail through. It can be
 * stopped and started again on the same ports, to play a mail server outage. Mail read
 * before a stop is remembered, so `messages()` covers the whole run.
 */
export class MailCatcher {
  private child: ChildProcess | undefined;
  private readonly seen = new Map<string, CaughtMail>();
  private readonly directory = mkdtempSync(join(tmpdir(), 'mail-catcher-'));

  private constructor(
    readonly smtpPort: number,
    readonly webPort: number,
  ) {}

  /** Starts on two free ports; new ports if another process took one meanwhile. */
  static async start(): Promise<MailCatcher> {
    for (let attempt = 1; ; attempt += 1) {
      const catcher = new MailCatcher(await freePort(), await freePort());
      try {
        await catcher.resume();
        return catcher;
      } catch (error) {
        await catcher.close();
        if (attempt === 3) throw error;
      }
    }
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.webPort}`;
  }

  /** Starts (again) on the same ports; resolves once its API answers. */
  async resume(): Promise<void> {
    const args = ['-s', String(this.smtpPort), '-w', String(this.webPort), '--ip', '127.0.0.1'];
    args.push('--web-ip', '127.0.0.1', '--mail-directory', this.directory, '--silent');
    const child = spawn(process.execPath, [maildevBin(), ...args], { stdio: 'ignore' });
    this.child = child;
    // Generous: on a loaded machine a Node process can take seconds to boot.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await this.healthy()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the mail catcher did not start (exit code ${child.exitCode})`);
  }

  /** Stops the catcher: its SMTP port refuses connections until resume(). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await this.messages().catch(() => undefined);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** Every mail caught so far (also those caught before a stop), in arrival order. */
  async messages(): Promise<CaughtMail[]> {
    const response = await fetch(`${this.apiUrl}/api/email`);
    if (!response.ok) throw new Error(`mail catcher answered ${response.status}`);
    for (const mail of (await response.json()) as CaughtMail[]) this.seen.set(mail.id, mail);
    return [...this.seen.values()];
  }

  /** Mail to one address. */
  async inbox(address: string): Promise<CaughtMail[]> {
    const all = await this.messages();
    return all.filter((mail) => mail.to.some((to) => to.address === address));
  }

  /** Polls until `count` mails to `address` arrived (the relay sends within milliseconds). */
  async waitFor(address: string, count = 1, timeoutMs = 10_000): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = await this.inbox(address);
      if (mails.length >= count || Date.now() > deadline) return mails;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async healthy(): Promise<boolean> {
    try {
      return (await fetch(`${this.apiUrl}/api/healthz`)).ok;
    } catch {
      return false;
    }
  }
}

/** The token of the first link to `page` (`/verify-email` or `/reset-password`) in a mail. */
export function linkToken(mail: CaughtMail, page: string): string {
  const match = new RegExp(`${page}#token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in "${mail.subject}"`);
  return match[1];
}
