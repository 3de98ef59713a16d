import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Demo products, with fixed ids so that examples and other services' smoke tests can name
 * them. They are ordinary rows: an admin may add more next to them.
 */
export const DEMO_PRODUCTS = [
  { id: 'a1000000-0000-4000-8000-000000000001', name: 'Espresso beans, 1 kg', priceCents: 2490 },
  { id: 'a1000000-0000-4000-8000-000000000002', name: 'Pour-over kettle', priceCents: 5900 },
  { id: 'a1000000-0000-4000-8000-000000000003', name: 'Ceramic mug', priceCents: 1200 },
  { id: 'a1000000-0000-4000-8000-000000000004', name: 'Paper filters, 100', priceCents: 450 },
  { id: 'a1000000-0000-4000-8000-000000000005', name: 'Hand grinder', priceCents: 8900 },
] as const;

/** The products table (gen_random_uuid() is built into PostgreSQL 13+) and the demo rows. */
export class CreateProducts1764400000000 implements MigrationInterface {
  name = 'CreateProducts1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX products_created_idx ON products (created_at DESC)`);
    for (const product of DEMO_PRODUCTS) {
      await db.query('INSERT INTO products (id, name, price_cents) VALUES ($1, $2, $3)', [
        product.id,
        product.name,
        product.priceCents,
      ]);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE products');
  }
}
