import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service identity. `client_assertions`: the `jti` of every client assertion (RFC 7523) still
 * inside its lifetime; the primary key makes each one single use across every replica, and
 * rows past `expires_at` are deleted lazily. `revocation_events` gains the `client` event (a
 * disabled machine client, pushed like a revocation), which names a client and no user.
 */
export class ServiceIdentity1765500000000 implements MigrationInterface {
  name = 'ServiceIdentity1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE client_assertions (
      client_id text NOT NULL,
      jti text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (client_id, jti)
    )`);
    await db.query('CREATE INDEX client_assertions_expires_at ON client_assertions (expires_at)');
    await db.query('ALTER TABLE revocation_events ADD COLUMN client_id text');
    await db.query('ALTER TABLE revocation_events ALTER COLUMN user_id DROP NOT NULL');
    await db.query('ALTER TABLE revocation_events DROP CONSTRAINT revocation_events_type_check');
    await db.query(`ALTER TABLE revocation_events ADD CONSTRAINT revocation_events_type_check CHECK (
      (type IN ('session', 'user') AND user_id IS NOT NULL) OR
      (type = 'client' AND client_id IS NOT NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM revocation_events WHERE type = 'client'`);
    await db.query('ALTER TABLE revocation_events DROP CONSTRAINT revocation_events_type_check');
    await db.query(`ALTER TABLE revocation_events ADD CONSTRAINT revocation_events_type_check
      CHECK (type IN ('session', 'user'))`);
    await db.query('ALTER TABLE revocation_events ALTER COLUMN user_id SET NOT NULL');
    await db.query('ALTER TABLE revocation_events DROP COLUMN client_id');
    await db.query('DROP TABLE client_assertions');
  }
}
