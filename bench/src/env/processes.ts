import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeProcess, startRetryingMissingModules } from '@hybrid-auth/stack';

export { freePort } from '@hybrid-auth/stack';

export interface ServiceProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  /** SIGTERM (the services drain and exit), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  script: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  nodeArgs?: string[];
  /** Polled until it answers 200. */
  readyPath: string;
}

/**
 * Starts a Node process (the stack package's NodeProcess) with only the environment it is
 * given (plus PATH/HOME), so nothing of the caller's shell (DATABASE_URL, NODE_OPTIONS...)
 * leaks into a measured service; its output goes to <logDir>/<name>.log.
 */
export async function startNode(options: StartOptions): Promise<ServiceProcess> {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  // A failure to start names the process and ends with its last lines of output.
  const started = await startRetryingMissingModules(
    () => new NodeProcess({ ...options, logFile }),
    options.readyPath,
  );
  return {
    name: options.name,
    pid: started.pid ?? -1,
    url: started.url,
    logFile,
    stop: async () => {
      await started.stop('SIGTERM', 12_000).catch(() => undefined);
    },
  };
}

/** Ticks per second of /proc CPU counters (USER_HZ; 100 on Linux unless patched). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system, all threads) a process has used so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Machine-wide busy and total CPU seconds, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3] + ticks[4];
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}
