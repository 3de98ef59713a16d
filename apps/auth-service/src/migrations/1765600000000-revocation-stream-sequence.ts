import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The number of the last entry the relay appended to each revocation stream. Guards expect
 * the entries of a stream to be numbered without a hole; the count lives here, beside the
 * outbox, because PostgreSQL is the authority and whoever can write to Redis must not be able
 * to move it.
 */
export class RevocationStreamSequence1765600000000 implements MigrationInterface {
  name = 'RevocationStreamSequence1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE revocation_stream_sequence (
         stream text PRIMARY KEY,
         last_seq bigint NOT NULL CHECK (last_seq >= 0)
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE revocation_stream_sequence');
  }
}
