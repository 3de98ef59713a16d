import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { dropDatabase, withDatabase } from '@hybrid-auth/database';
import { TEST_SERVER_URL } from '@hybrid-auth/database/testing';
import { MIGRATIONS } from '../src/migrations';

const run = promisify(execFile);
// Each test starts Node processes that connect to PostgreSQL: bounded, but not by 5 s.
jest.setTimeout(60_000);
const CLI = path.join(__dirname, '..', 'dist', 'cli', 'migrate.js');

/** The one-off migration command the Kubernetes Job runs (deploy/k8s/base/migrate-jobs.yaml). */
describe('auth-service migrate command (dist/cli/migrate.js)', () => {
  const url = withDatabase(TEST_SERVER_URL, `test_migrate_cli_${process.pid}`);
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-cli-'))));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(url);
  });

  async function migrations(): Promise<string[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const rows = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      return rows.rows.map((row) => row.name);
    } finally {
      await client.end();
    }
  }

  it('creates the database, applies every migration once, and exits 0', async () => {
    // The password arrives as a mounted file, as in the Job (trust authentication ignores it).
    const passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, 'not-checked-here\n');
    const env = { PATH: process.env.PATH, DATABASE_URL: url, DATABASE_PASSWORD_FILE: passwordFile };

    const first = await run('node', [CLI], { env });
    expect(first.stdout).toContain(`applied ${MIGRATIONS.length} migration(s)`);
    expect(await migrations()).toEqual(MIGRATIONS.map((migration) => migration.name));

    const again = await run('node', [CLI], { env });
    expect(again.stdout).toContain('no pending migrations');
    expect(await migrations()).toHaveLength(MIGRATIONS.length);
  });

  it('exits 1 and names the variable when DATABASE_URL is missing', async () => {
    const failed = await run('node', [CLI], { env: { PATH: process.env.PATH } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('DATABASE_URL') });
  });
});
