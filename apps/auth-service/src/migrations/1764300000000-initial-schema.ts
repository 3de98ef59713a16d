import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, refresh sessions, server secrets (generated signing key, refresh-token key) and
 * the revocation outbox. gen_random_uuid() is built into PostgreSQL 13+.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        generation integer NOT NULL DEFAULT 0,
        rotated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text,
        user_agent text,
        ip text
      )`);
    await db.query(
      `CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL`,
    );
    await db.query(`CREATE INDEX sessions_expires_idx ON sessions (expires_at)`);
    await db.query(`
      CREATE TABLE auth_secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE revocation_events (
        id bigserial PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('session', 'user')),
        user_id uuid NOT NULL,
        session_id uuid,
        role text,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX revocation_events_unpublished_idx ON revocation_events (id) WHERE published_at IS NULL`,
    );
    await db.query(`CREATE INDEX revocation_events_created_idx ON revocation_events (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE revocation_events');
    await db.query('DROP TABLE auth_secrets');
    await db.query('DROP TABLE sessions');
    await db.query('DROP TABLE users');
  }
}
