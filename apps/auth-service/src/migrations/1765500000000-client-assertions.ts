import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `jti` of every client assertion (RFC 7523) still inside its lifetime: the primary key
 * makes each one single use across every replica. Rows past `expires_at` are deleted lazily.
 */
export class ClientAssertions1765500000000 implements MigrationInterface {
  name = 'ClientAssertions1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE client_assertions (
      client_id text NOT NULL,
      jti text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (client_id, jti)
    )`);
    await db.query('CREATE INDEX client_assertions_expires_at ON client_assertions (expires_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE client_assertions');
  }
}
