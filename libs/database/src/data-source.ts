import { DataSource } from 'typeorm';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { ensureDatabase } from './ensure-database';

export interface DatabaseOptions {
  url: string;
  // TypeORM's own types for these lists.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Pool size (default 10). */
  poolSize?: number;
  /** Fail fast when the server does not answer: requests get 503 instead of hanging. */
  connectTimeoutMs?: number;
  /**
   * Server-side bound on one statement (default 1500 ms; 0: none). Request-path queries are
   * small and indexed: one that takes longer is better answered 503 than left to pile up.
   * Migrations run on a connection of their own without it.
   */
  statementTimeoutMs?: number;
  /**
   * Client-side bound on one query (default: the statement timeout + 500 ms). The server's
   * statement timeout cannot fire when the server itself stopped answering (frozen, cut off
   * by the network): without this, a request on a pooled connection would hang for good.
   */
  queryTimeoutMs?: number;
  applicationName?: string;
}

/** TypeORM options for PostgreSQL: migrations only, never `synchronize`. */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  const statementTimeoutMs = options.statementTimeoutMs ?? 1500;
  return {
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName,
    extra: {
      connectionTimeoutMillis: options.connectTimeoutMs ?? 1500,
      statement_timeout: statementTimeoutMs,
      query_timeout:
        options.queryTimeoutMs ?? (statementTimeoutMs === 0 ? 0 : statementTimeoutMs + 500),
      idleTimeoutMillis: 30_000,
    },
  };
}

// Any constant works, as long as every service agrees within one database.
const MIGRATION_LOCK = 727_001;

/**
 * Creates the database if missing, applies pending migrations, and connects for requests.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  await migrateDatabase(options);
  return new DataSource(dataSourceOptions(options)).initialize();
}

/**
 * Applies pending migrations on a connection of its own, without the request-path time
 * limits (a migration may rewrite a big table), while holding an advisory lock, so replicas
 * starting together migrate once, one after the other.
 */
export async function migrateDatabase(options: DatabaseOptions): Promise<string[]> {
  // Two connections: one holds the lock while the other runs the migrations.
  const dataSource = new DataSource(
    dataSourceOptions({ ...options, poolSize: 2, statementTimeoutMs: 0, queryTimeoutMs: 0 }),
  );
  await dataSource.initialize();
  try {
    return await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Applies pending migrations under the advisory lock; returns the names of those applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
