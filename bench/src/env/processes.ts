import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sleep } from '../util/log';

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
  timeoutMs?: number;
}

/** A port nobody listens on right now (others run tests on this machine too). */
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

/**
 * Starts a Node process with only the environment it is given (plus PATH/HOME), so nothing
 * of the caller's shell (DATABASE_URL, NODE_OPTIONS...) leaks into a measured service.
 */
export async function startNode(options: StartOptions): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      // On a shared machine a concurrent `npm run build` may be rewriting some dist/ right
      // now: a module missing at start is worth waiting for, anything else is not.
      if (attempt >= 6 || !/Cannot find module|MODULE_NOT_FOUND/.test(String(error))) throw error;
      await sleep(5000);
    }
  }
}

async function startOnce(options: StartOptions): Promise<ServiceProcess> {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${options.port}`;
  const service: ServiceProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    url,
    logFile,
    stop: () => stopChild(child),
  };
  try {
    await waitReady(child, `${url}${options.readyPath}`, options.timeoutMs ?? 30_000);
  } catch (error) {
    await service.stop();
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${options.name} did not start: ${String(error)}\n${tail}`, { cause: error });
  }
  return service;
}

async function waitReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 12_000);
  await exited;
  clearTimeout(killer);
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
