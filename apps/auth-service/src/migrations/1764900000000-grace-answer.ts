import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access token of the latest rotation, sealed under a key only a replay of the previous
 * refresh token can rebuild: inside the grace window a replay gets the very same pair.
 * And an index for the cleanup of sessions ended long ago, which runs in small batches.
 */
export class GraceAnswer1764900000000 implements MigrationInterface {
  name = 'GraceAnswer1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sessions ADD COLUMN grace_answer bytea');
    await db.query(
      'CREATE INDEX sessions_revoked_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX sessions_revoked_idx');
    await db.query('ALTER TABLE sessions DROP COLUMN grace_answer');
  }
}
