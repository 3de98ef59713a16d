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

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
