import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts with e-mail. Existing users start unverified. Link tokens are kept only as
 * SHA-256 hashes, each bound to one purpose and one address. Mail is an outbox written in
 * the transaction of the change it announces, sent later by the mail relay.
 */
export class AccountsEmail1765100000000 implements MigrationInterface {
  name = 'AccountsEmail1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false');
    await db.query(`
      CREATE TABLE email_tokens (
        token_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('verify', 'reset', 'change')),
        email text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX email_tokens_user_idx ON email_tokens (user_id)');
    await db.query(`
      CREATE TABLE mail_outbox (
        id bigserial PRIMARY KEY,
        recipient text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await db.query(
      'CREATE INDEX mail_outbox_pending_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE mail_outbox');
    await db.query('DROP TABLE email_tokens');
    await db.query('ALTER TABLE users DROP COLUMN email_verified');
  }
}
