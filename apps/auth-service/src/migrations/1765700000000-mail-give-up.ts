import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mail the SMTP server kept refusing for AUTH_MAIL_GIVE_UP_AFTER is marked given up
 * (src/mail/mail-relay.ts) instead of being retried forever; the cleanup deletes it later.
 */
export class MailGiveUp1765700000000 implements MigrationInterface {
  name = 'MailGiveUp1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE mail_outbox ADD COLUMN given_up_at timestamptz');
    await db.query(
      'CREATE INDEX mail_outbox_given_up_idx ON mail_outbox (given_up_at) WHERE given_up_at IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX mail_outbox_given_up_idx');
    await db.query('ALTER TABLE mail_outbox DROP COLUMN given_up_at');
  }
}
