import { startGuardedTestApp } from '@hybrid-auth/platform/testing';
import type {
  GuardedConfig,
  GuardedTestApp,
  GuardedTestAppOptions,
} from '@hybrid-auth/platform/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase } from './test-database';
import type { TestDatabase } from './test-database';

/** A guarded service booted on a fresh database of its own (dropped by `close()`). */
export type GuardedDatabaseApp<C extends GuardedConfig> = GuardedTestApp<C> & {
  db: TestDatabase;
  dataSource: DataSource;
};

/**
 * startGuardedTestApp for a service that owns a database: a fresh one named after
 * `options.audience` is created first, given as DATABASE_URL, and dropped on close or failure.
 */
export async function startGuardedDatabaseApp<C extends GuardedConfig>(
  options: Omit<GuardedTestAppOptions<C>, 'release'>,
): Promise<GuardedDatabaseApp<C>> {
  const db = await createTestDatabase(options.audience.replace(/-service$/, ''));
  const started = await startGuardedTestApp({
    ...options,
    env: { DATABASE_URL: db.url, ...options.env },
    release: () => db.drop(),
  });
  return { ...started, db, dataSource: started.app.get(DataSource) };
}
