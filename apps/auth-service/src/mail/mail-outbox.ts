import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Channel on which committed mail wakes the mail relay of every replica. */
export const MAIL_CHANNEL = 'mail_outbox';

/**
 * Mail is written in the same transaction as the change it announces: if the change
 * commits, its mail will be sent (the relay retries until the SMTP server takes it); if it
 * rolls back, no mail exists. A request never waits for SMTP.
 */
@Injectable()
export class MailOutbox {
  async enqueue(tx: Pick<EntityManager, 'query'>, mail: OutgoingMail, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [mail.to, mail.subject, mail.text, mail.html, now],
    );
    await tx.query('SELECT pg_notify($1, $2)', [MAIL_CHANNEL, '']);
  }
}
