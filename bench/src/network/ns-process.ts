import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, StopWaiting, eventually } from '@hybrid-auth/stack';

export interface NsProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** The last lines of its output, for errors. */
  tail(): string;
  /** `signal` (SIGTERM by default), SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Runs `command` inside network namespace `ns` (`ip netns exec` switches namespace and execs
 * it: the pid is the command's own, so its CPU can be read from /proc and signals reach it).
 * Its environment is `env` plus PATH and HOME only; output goes to <logDir>/<name>.log.
 */
export function startInNamespace(options: {
  name: string;
  ns: string;
  command: string[];
  env?: Record<string, string>;
  logDir: string;
  stdin?: 'pipe' | 'ignore';
}): NsProcess {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const file = createWriteStream(logFile, { flags: 'a' });
  const child = spawn('ip', ['netns', 'exec', options.ns, ...options.command], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    file.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('close', () => file.end());
  const running = () => child.exitCode === null && !child.signalCode;
  return {
    name: options.name,
    pid: child.pid ?? -1,
    child,
    logFile,
    tail: () => lines.slice(-30).join('\n'),
    stop: async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 12_000) => {
      if (!running()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, graceMs, 'late')));
      if ((await Promise.race([exited, late])) === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    },
  };
}

/** Waits until `ready()` is true, failing at once (with its output) if the process exits. */
export async function waitReady(
  proc: NsProcess,
  ready: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  await eventually(async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode)
      throw new StopWaiting(new Error(`exited (${proc.child.exitCode ?? proc.child.signalCode})`));
    return ready().catch(() => false);
  }, timeoutMs).catch(async (error: unknown) => {
    await proc.stop('SIGKILL').catch(() => undefined);
    throw new Error(`${proc.name} did not start: ${String(error)}\n${proc.tail()}`);
  });
}

/** True when `url` answers 2xx. */
export async function answers2xx(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}
