import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds; a liveness bound, never a performance claim. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** One built service (apps/<app>/dist/main.js) running as its own process. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  readonly logs: string[] = [];

  constructor(
    readonly app: string,
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits for /health/live (or /health/ready with `ready`). */
  async start({ ready = true }: { ready?: boolean } = {}): Promise<void> {
    const child = spawn(process.execPath, [path.join(ROOT, 'apps', this.app, 'dist', 'main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'warn',
        ...this.env,
        PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.logs.length > 2000) this.logs.splice(0, this.logs.length - 2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(async () => {
      if (child.exitCode !== null)
        throw new Error(`${this.app} exited: ${this.logs.slice(-20).join('\n')}`);
      const res = await fetch(`${this.url}/health/${ready ? 'ready' : 'live'}`, {
        signal: AbortSignal.timeout(1000),
      });
      return res.ok;
    }, 30_000).catch((error: unknown) => {
      throw new Error(
        `${this.app} did not become ready: ${String(error)}\n${this.logs.slice(-30).join('\n')}`,
      );
    });
  }

  /** SIGTERM, and waits for the exit; returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill(signal);
    // The timer is cleared once the process exits: a pending one would keep Jest from exiting.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), 15_000)),
    );
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      child.kill('SIGKILL');
      throw new Error(`${this.app} did not exit within 15 s of ${signal}`);
    }
    return code;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }
}
