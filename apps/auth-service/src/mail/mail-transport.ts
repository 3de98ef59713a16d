import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import type { OutgoingMail } from './mail-outbox';

/**
 * SMTP through nodemailer. Short timeouts: a mail server that hangs must not hold the relay
 * (and its lock) for minutes; the mail is retried later anyway.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transport: ReturnType<typeof createTransport>;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.transport = createTransport(
      {
        url: config.email.smtpUrl,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      },
      { from: config.email.mailFrom },
    );
  }

  /**
   * Hands `mail` to the SMTP server. `signal` (shutdown) stops the wait: nodemailer has no way
   * to cancel a send under way, so the attempt is left to end on its own (the process is about
   * to exit) and the caller rolls back; should the server still take the mail, it is sent again
   * later, which the relay's at-least-once delivery allows.
   */
  async send(mail: OutgoingMail, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const sending = this.transport.sendMail({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
    if (!signal) {
      await sending;
      return;
    }
    sending.catch(() => undefined);
    let onAbort = (): void => undefined;
    const stopped = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([sending, stopped]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
