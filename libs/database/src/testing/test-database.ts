import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '../ensure-database';
import { withDatabase } from '../database-url';

/** The server tests create their databases on (the machine's PostgreSQL by default). */
export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test suite; `drop()` removes it. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `test_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(TEST_SERVER_URL, name);
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
