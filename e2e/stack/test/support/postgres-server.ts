import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMBEDDED_POSTGRES_CLI } from '@hybrid-auth/stack';
import { processTable, processTree } from './processes';
import { freePort } from './service-process';

/**
 * A private PostgreSQL (the stack package's embedded one, in a process of its own) for one suite, so it can be stopped
 * and started again on the same data directory without touching the machine's server.
 * The data directory lives under the system temp directory and is removed by `remove()`.
 */
export class PostgresServer {
  private child: ChildProcess | undefined;
  private readonly output: string[] = [];

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(): Promise<PostgresServer> {
    const server = new PostgresServer(
      await freePort(),
      mkdtempSync(path.join(os.tmpdir(), 'stack-pg-')),
    );
    await server.start();
    return server;
  }

  /** A URL for `database` on this server (created by the service itself when missing). */
  url(database: string): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    // stdin stays open: if this process dies, the helper sees it close and stops PostgreSQL.
    const child = spawn(
      process.execPath,
      [EMBEDDED_POSTGRES_CLI, this.dataDir, String(this.port)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`embedded PostgreSQL did not start: ${this.output.join('')}`)),
        60_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`embedded PostgreSQL exited (${code}): ${this.output.join('')}`));
      });
    });
  }

  /** Stops PostgreSQL as an operator would (fast shutdown: every connection is cut). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<boolean>((resolve) => {
      child.once('exit', () => resolve(true));
      // A pending timer would keep Jest from exiting: cleared below.
      timer = setTimeout(() => resolve(false), 30_000);
    });
    child.kill('SIGTERM');
    const stopped = await exited;
    clearTimeout(timer);
    if (!stopped) {
      child.kill('SIGKILL');
      throw new Error('embedded PostgreSQL did not stop within 30 s');
    }
  }

  /**
   * SIGSTOP to every PostgreSQL process: connections stay open and nothing answers, as when
   * the server hangs or the network silently drops its packets. `thaw()` undoes it.
   */
  freeze(): void {
    this.signalAll('SIGSTOP');
  }

  thaw(): void {
    this.signalAll('SIGCONT');
  }

  private signalAll(signal: NodeJS.Signals): void {
    const postmaster = processTable().find((p) => p.args.includes(`-D ${this.dataDir} `));
    if (!postmaster) throw new Error('the embedded PostgreSQL is not running');
    for (const p of processTree(postmaster.pid)) process.kill(p.pid, signal);
  }

  /** Stops the server and deletes its data directory. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
