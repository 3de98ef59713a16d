import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /orders` pages by (created_at, id), newest first: the index carries the id too, so a
 * page is one index range scan from the cursor, whatever the number of orders before it.
 */
export class OrdersKeysetIndex1765000000000 implements MigrationInterface {
  name = 'OrdersKeysetIndex1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX orders_user_created_id_idx ON orders (user_id, created_at DESC, id DESC)',
    );
    await db.query('DROP INDEX orders_user_created_idx');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC)');
    await db.query('DROP INDEX orders_user_created_id_idx');
  }
}
