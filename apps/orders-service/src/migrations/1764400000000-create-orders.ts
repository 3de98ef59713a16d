import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders. `user_id` and `product_id` point into other services' databases, so there is no
 * foreign key: the user id comes from a verified token, the product from catalog-service.
 * The unit price is kept because it is what was charged, whatever the catalog says later.
 * `total_cents` is bigint: 1000 items at the highest catalog price exceed a 32-bit integer.
 */
export class CreateOrders1764400000000 implements MigrationInterface {
  name = 'CreateOrders1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        product_id uuid NOT NULL,
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
        total_cents bigint NOT NULL CHECK (total_cents >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Every read is "this user's orders, newest first".
    await db.query(`CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE orders');
  }
}
