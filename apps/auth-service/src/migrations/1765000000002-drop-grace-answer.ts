import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A replay inside the grace window now gets a freshly signed access token, so the sealed
 * copy of the last one is no longer kept.
 */
export class DropGraceAnswer1765000000002 implements MigrationInterface {
  name = 'DropGraceAnswer1765000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sessions DROP COLUMN grace_answer');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sessions ADD COLUMN grace_answer bytea');
  }
}
