import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Multi-factor sign-in. Each session remembers how strongly it was signed in (`aal`, `amr`,
 * `auth_time`), so a refresh hands out tokens of the same strength. Existing sessions began
 * with a password. A user has at most one TOTP factor: its seed is sealed under
 * AUTH_SECRETS_KEY, `last_used_step` refuses a code's replay, and `confirmed_at` is null
 * until the user proved the authenticator works. Recovery codes are kept as hashes only.
 * Passkeys keep their public key, signature counter and transports; WebAuthn challenges
 * live in a table of their own, spent once and expiring.
 */
export class Mfa1765300000000 implements MigrationInterface {
  name = 'Mfa1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sessions
      ADD COLUMN aal text NOT NULL DEFAULT 'aal1' CHECK (aal IN ('aal1', 'aal2')),
      ADD COLUMN amr text[] NOT NULL DEFAULT '{pwd}',
      ADD COLUMN auth_time timestamptz`);
    await db.query('UPDATE sessions SET auth_time = created_at');
    // Like created_at: a row written without it began now.
    await db.query(
      'ALTER TABLE sessions ALTER COLUMN auth_time SET NOT NULL, ALTER COLUMN auth_time SET DEFAULT now()',
    );
    await db.query(`
      CREATE TABLE mfa_totp (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        secret text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE mfa_recovery_codes (
        code_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        used_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX mfa_recovery_codes_user_idx ON mfa_recovery_codes (user_id)');
    await db.query(`
      CREATE TABLE passkeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        credential_id text NOT NULL UNIQUE,
        public_key bytea NOT NULL,
        counter bigint NOT NULL,
        transports text[] NOT NULL DEFAULT '{}',
        name text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz
      )`);
    await db.query('CREATE INDEX passkeys_user_idx ON passkeys (user_id)');
    await db.query(`
      CREATE TABLE webauthn_challenges (
        challenge text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('register', 'login')),
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(
      'CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE webauthn_challenges');
    await db.query('DROP TABLE passkeys');
    await db.query('DROP TABLE mfa_recovery_codes');
    await db.query('DROP TABLE mfa_totp');
    await db.query('ALTER TABLE sessions DROP COLUMN auth_time, DROP COLUMN amr, DROP COLUMN aal');
  }
}
