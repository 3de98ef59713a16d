import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../repo';
import { StopWaiting, answers, eventually, sleep } from '../wait';

export interface NodeProcessOptions {
  /** For messages and log prefixes. */
  name: string;
  /** The entry point: absolute, or relative to the repository root. */
  script: string;
  port: number;
  /** Its whole environment: nothing of the caller's leaks in but PATH and HOME. */
  env: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  /** Arguments after the script. */
  args?: string[];
  /** Output is also appended to this file. */
  logFile?: string;
}

/** How many output lines are kept in memory (the tail goes into start errors). */
const KEPT_LINES = 2000;

/**
 * One Node process of the stack (a built service, the gateway, a bench server) started by a
 * test or the bench: spawned with only the environment it is given, its output kept, and
 * waited on until its health URL answers.
 */
export class NodeProcess {
  readonly logs: string[] = [];
  private child: ChildProcess | undefined;

  constructor(readonly options: NodeProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get port(): number {
    return this.options.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  /**
   * Starts the process and waits until `health` answers 2xx (within `timeoutMs`: generous,
   * as a Node service on a loaded 2-core machine has been seen to need over 30 s).
   */
  async start({ health, timeoutMs = 60_000 }: { health: string; timeoutMs?: number }) {
    const { options } = this;
    const child = spawn(
      process.execPath,
      [
        ...(options.nodeArgs ?? []),
        path.resolve(REPO_ROOT, options.script),
        ...(options.args ?? []),
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const file = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    const keep = (chunk: Buffer) => {
      file?.write(chunk);
      this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.logs.length > KEPT_LINES) this.logs.splice(0, this.logs.length - KEPT_LINES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('close', () => file?.end());
    await eventually(async () => {
      if (child.exitCode !== null || child.signalCode) {
        throw new StopWaiting(new Error(`exited (${child.exitCode ?? child.signalCode})`));
      }
      return answers(`${this.url}${health}`);
    }, timeoutMs).catch(async (error: unknown) => {
      await this.stop().catch(() => undefined);
      throw new Error(
        `${options.name} did not start: ${String(error)}\n${this.logs.slice(-30).join('\n')}`,
        { cause: error },
      );
    });
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`); returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill(signal);
    // The timer is cleared once the process exits: a pending one would keep Jest from exiting.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      throw new Error(`${this.name} did not exit within ${graceMs} ms of ${signal}`);
    }
    return code;
  }
}

/**
 * Starts `make()`'s process, again while a concurrent build may be rewriting its dist/ (a
 * module missing at start is worth waiting for on a shared machine, anything else is not).
 */
export async function startRetryingMissingModules(
  make: () => NodeProcess,
  health: string,
): Promise<NodeProcess> {
  for (let attempt = 1; ; attempt += 1) {
    const started = make();
    try {
      await started.start({ health });
      return started;
    } catch (error) {
      if (attempt >= 6 || !/Cannot find module|MODULE_NOT_FOUND/.test(String(error))) throw error;
      await sleep(5000);
    }
  }
}
