import { execFileSync } from 'node:child_process';
import net from 'node:net';

export interface ProcessInfo {
  pid: number;
  args: string;
}

/** Every process on the machine (`ps -eo pid,ppid,args`), with its parent. */
export function processTable(): (ProcessInfo & { ppid: number })[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args }));
}

/** `root` and every process below it, now. */
export function processTree(root: number): ProcessInfo[] {
  const table = processTable();
  const found: ProcessInfo[] = table
    .filter((p) => p.pid === root)
    .map(({ pid, args }) => ({ pid, args }));
  const visit = (parent: number) => {
    for (const p of table.filter((q) => q.ppid === parent)) {
      found.push({ pid: p.pid, args: p.args });
      visit(p.pid);
    }
  };
  visit(root);
  return found;
}

/** Those of `processes` that are still there (same pid, same command line). */
export function stillRunning(processes: ProcessInfo[]): ProcessInfo[] {
  const now = new Map(processTable().map((p) => [p.pid, p.args]));
  return processes.filter((p) => now.get(p.pid) === p.args);
}

/** True when something accepts connections on `host`:`port` (127.0.0.1 unless told). */
export function listening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
