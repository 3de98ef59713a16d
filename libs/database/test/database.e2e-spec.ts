import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  dataSourceOptions,
  dropDatabase,
  ensureDatabase,
  migrateDatabase,
  openDatabase,
} from '../src';
import { withDatabase } from '../src';
import { TEST_SERVER_URL, createTestDatabase } from '../src/testing';

/** Real PostgreSQL (TEST_DATABASE_URL or the machine's): every test gets databases of its own. */
const created: string[] = [];
const freshUrl = (tag: string, name = `test_dblib_${tag}_${randomBytes(4).toString('hex')}`) => {
  const url = withDatabase(TEST_SERVER_URL, name);
  created.push(url);
  return url;
};
// Dropping a database takes a checkpoint: a few of them exceed the default hook timeout.
afterAll(() => Promise.all(created.map((url) => dropDatabase(url))), 60_000);

async function exists(url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1);
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      decodeURIComponent(name),
    ]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

// A migration that cannot run twice (no IF NOT EXISTS) and takes longer than the
// request-path statement timeout used below: it proves "once" and "without that limit".
class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(db: QueryRunner): Promise<void> {
    await db.query('SELECT pg_sleep(1.2)');
    await db.query('CREATE TABLE widgets (id integer PRIMARY KEY)');
  }
  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE widgets');
  }
}
class Broken1700000000001 implements MigrationInterface {
  name = 'Broken1700000000001';
  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE TABLE half_done (id integer)');
    await db.query('SELECT * FROM no_such_table');
  }
  async down(): Promise<void> {}
}
const options = (url: string, migrations: (new () => MigrationInterface)[]) => ({
  url,
  entities: [],
  migrations,
  statementTimeoutMs: 1000,
  applicationName: 'dblib-test',
});

describe('ensureDatabase and dropDatabase', () => {
  it('creates a missing database once, and says whether it did', async () => {
    const url = freshUrl('ensure');
    expect(await ensureDatabase(url)).toBe(true);
    expect(await exists(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('lets several processes race to create the same database', async () => {
    const url = freshUrl('race');
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureDatabase(url)));
    expect(results.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(await exists(url)).toBe(true);
  });

  it('quotes a name with quotes and spaces instead of running it as SQL', async () => {
    const url = freshUrl('quoted', `test_dblib "x"; y ${randomBytes(3).toString('hex')}`);
    expect(await ensureDatabase(url)).toBe(true);
    expect(await exists(url)).toBe(true);
  });

  it('drops a database that still has connections, and a missing one without error', async () => {
    const url = freshUrl('drop');
    await ensureDatabase(url);
    const held = new Client({ connectionString: url });
    held.on('error', () => undefined);
    await held.connect();
    await dropDatabase(url);
    expect(await exists(url)).toBe(false);
    await expect(dropDatabase(url)).resolves.toBeUndefined();
    await held.end().catch(() => undefined);
  });
});

describe('createTestDatabase', () => {
  it('creates an empty database named after the prefix, removed by drop()', async () => {
    const db = await createTestDatabase('Orders-Service!');
    expect(new URL(db.url).pathname).toMatch(/^\/test_orders_service__[0-9a-f]{8}$/);
    expect(await exists(db.url)).toBe(true);
    await db.drop();
    expect(await exists(db.url)).toBe(false);
  });
});

describe('openDatabase and migrateDatabase', () => {
  it('creates the database, migrates it, and connects with the request-path limits', async () => {
    const url = freshUrl('open');
    const dataSource = await openDatabase(options(url, [CreateWidgets1700000000000]));
    try {
      expect(await dataSource.query('SELECT count(*)::int AS n FROM widgets')).toEqual([{ n: 0 }]);
      const applied = await dataSource.query('SELECT name FROM migrations');
      expect(applied).toEqual([{ name: 'CreateWidgets1700000000000' }]);
      const [{ application_name }] = await dataSource.query('SHOW application_name');
      expect(application_name).toBe('dblib-test');
      // The migration slept 1.2 s (migrations run without the limit); a request-path statement may not.
      await expect(dataSource.query('SELECT pg_sleep(3)')).rejects.toMatchObject({
        code: '57014',
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('migrates once when replicas start together (advisory lock)', async () => {
    const url = freshUrl('replicas');
    await ensureDatabase(url);
    await Promise.all(
      Array.from({ length: 3 }, () => migrateDatabase(options(url, [CreateWidgets1700000000000]))),
    );
    const dataSource = await openDatabase(options(url, [CreateWidgets1700000000000]));
    try {
      expect(await dataSource.query('SELECT count(*)::int AS n FROM migrations')).toEqual([
        { n: 1 },
      ]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('rolls a failing migration back whole and releases the lock', async () => {
    const url = freshUrl('broken');
    await ensureDatabase(url);
    await expect(
      migrateDatabase(options(url, [CreateWidgets1700000000000, Broken1700000000001])),
    ).rejects.toThrow(/no_such_table/);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name IN ('widgets', 'half_done')`,
      );
      expect(tables.rows).toEqual([{ table_name: 'widgets' }]);
      const locks = await client.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database =
           (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(locks.rows).toEqual([{ n: 0 }]);
    } finally {
      await client.end();
    }
    // Fixed, the next start applies what is left.
    await migrateDatabase(options(url, [CreateWidgets1700000000000]));
  });
});

describe('dataSourceOptions', () => {
  it('never synchronizes or runs migrations on connect, and bounds every query', () => {
    const built = dataSourceOptions({ url: 'postgres://db/x', entities: [], migrations: [] });
    expect(built).toMatchObject({
      type: 'postgres',
      synchronize: false,
      migrationsRun: false,
      migrationsTableName: 'migrations',
      poolSize: 10,
      extra: { connectionTimeoutMillis: 1500, statement_timeout: 1500, query_timeout: 2000 },
    });
  });

  it('turns both timeouts off with statementTimeoutMs 0 unless a query timeout is given', () => {
    const base = { url: 'postgres://db/x', entities: [], migrations: [], statementTimeoutMs: 0 };
    expect(dataSourceOptions(base).extra).toMatchObject({ statement_timeout: 0, query_timeout: 0 });
    expect(dataSourceOptions({ ...base, queryTimeoutMs: 900 }).extra).toMatchObject({
      query_timeout: 900,
    });
  });
});
