import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the mail cleanup (src/mail/mail-cleanup.ts): it deletes sent mails and spent
 * link tokens in small batches, each found by an index instead of a scan of the table.
 */
export class MailCleanupIndexes1765200000000 implements MigrationInterface {
  name = 'MailCleanupIndexes1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX mail_outbox_sent_idx ON mail_outbox (sent_at) WHERE sent_at IS NOT NULL',
    );
    await db.query('CREATE INDEX email_tokens_expires_idx ON email_tokens (expires_at)');
    await db.query(
      'CREATE INDEX email_tokens_used_idx ON email_tokens (used_at) WHERE used_at IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX email_tokens_used_idx');
    await db.query('DROP INDEX email_tokens_expires_idx');
    await db.query('DROP INDEX mail_outbox_sent_idx');
  }
}
