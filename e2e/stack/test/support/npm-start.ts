import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { processTree, stillRunning } from './processes';
import type { ProcessInfo } from './processes';
import { ROOT, eventually } from './service-process';

/** What `npm start` runs once the build is done. */
export const START_CLI = path.join(ROOT, 'libs/stack/dist/cli/start.js');

/**
 * `node libs/stack/dist/cli/start.js` (what `npm start` runs after building), in a process group of its own as a
 * terminal's foreground job is, with its output kept.
 */
export class NpmStart {
  output = '';
  /** Every process of this run seen by `tree()`, even after it was orphaned. */
  readonly seen = new Map<number, string>();
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  /** `script` and `cwd` default to this checkout's; a copy elsewhere passes its own. */
  constructor(
    env: Record<string, string | undefined>,
    { script = START_CLI, cwd = ROOT }: { script?: string; cwd?: string } = {},
  ) {
    this.child = spawn(process.execPath, [script], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until the output matches; fails early when the script exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return eventually(() => {
      if (!this.running) throw new Error('exited');
      return pattern.exec(this.output) ?? undefined;
    }, timeoutMs).catch((error: unknown) => {
      throw new Error(
        `npm start never printed ${String(pattern)} (${String(error)}):\n${this.output.slice(-4000)}`,
      );
    });
  }

  /** This script and every process below it, now. */
  tree(): ProcessInfo[] {
    const found = processTree(this.pid);
    for (const p of found) this.seen.set(p.pid, p.args);
    return found;
  }

  /** Ctrl-C: to the whole process group as a terminal does, or to the script alone (`kill -INT`). */
  interrupt(target: 'group' | 'script'): void {
    process.kill(target === 'group' ? -this.pid : this.pid, 'SIGINT');
  }

  /** Last resort after a failed test: nothing of this run may outlive the suite. */
  kill(): void {
    this.tree();
    for (const p of stillRunning([...this.seen].map(([pid, args]) => ({ pid, args })))) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
