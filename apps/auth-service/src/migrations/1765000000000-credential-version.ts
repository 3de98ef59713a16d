import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A credential version on each user, bumped with every password change and disable, and
 * the version each session began under: a login that checked the old password cannot start
 * a session once the change has committed, and such a session could not be refreshed.
 * Existing users and sessions all start at 0, so every live session stays valid.
 */
export class CredentialVersion1765000000000 implements MigrationInterface {
  name = 'CredentialVersion1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE users ADD COLUMN credential_version integer NOT NULL DEFAULT 0');
    await db.query('ALTER TABLE sessions ADD COLUMN credential_version integer NOT NULL DEFAULT 0');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sessions DROP COLUMN credential_version');
    await db.query('ALTER TABLE users DROP COLUMN credential_version');
  }
}
