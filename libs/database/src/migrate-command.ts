import { EnvReader, readDatabaseUrl } from '@hybrid-auth/platform';
import { migrateDatabase } from './data-source';
import type { DatabaseOptions } from './data-source';
import { redactUrl } from './database-url';
import { ensureDatabase } from './ensure-database';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What each service that owns a database ships as `dist/cli/migrate.js`: creates the database
 * when missing and applies pending migrations, then exits. The services still migrate at start
 * (under the same advisory lock), so this is for running them once, ahead of a rollout: a
 * Kubernetes Job (deploy/k8s), or a release step. It reads DATABASE_URL and DATABASE_PASSWORD
 * (or DATABASE_PASSWORD_FILE) exactly as the service does, and nothing else.
 */
export async function runMigrateCommand(
  migrations: DatabaseOptions['migrations'],
  env: Env = process.env,
  print: (line: string) => void = console.log,
): Promise<string[]> {
  const read = new EnvReader(env);
  const url = readDatabaseUrl(read);
  read.done();
  if (await ensureDatabase(url)) print(`created database ${redactUrl(url)}`);
  const applied = await migrateDatabase({
    url,
    entities: [],
    migrations,
    applicationName: 'migrate',
  });
  print(
    applied.length === 0
      ? 'no pending migrations'
      : `applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
  return applied;
}

/** The entry point's body: exit 0 when done, 1 with the reason on standard error. */
export function migrateMain(migrations: DatabaseOptions['migrations']): void {
  runMigrateCommand(migrations).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
