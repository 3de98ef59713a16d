import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The network section's hosts: each in a network namespace of its own, joined to a router
 * namespace by a veth pair, on a 10.77.<host>.0/24 subnet of its own. These addresses exist
 * only inside namespaces this bench creates (the machine's own interfaces, its root namespace
 * and its PostgreSQL/Redis are never used), and every namespace name starts with
 * `hybnet-<pid of the bench>-`, so a crashed run's leftovers are recognisable and removed by
 * the next run.
 */
export const NS_PREFIX = 'hybnet-';
export const HOSTS = ['load', 'svc', 'auth', 'store'] as const;
export type Host = (typeof HOSTS)[number];

export interface Topology {
  /** Namespace name of each host, and of the router between them. */
  names: Record<Host | 'router', string>;
  /** Each host's address (on its eth0); the router's side of its link is <subnet>.1. */
  addresses: Record<Host, string>;
}

export function topologyFor(pid: number): Topology {
  const names = Object.fromEntries(
    [...HOSTS, 'router'].map((h) => [h, `${NS_PREFIX}${pid}-${h}`]),
  ) as Topology['names'];
  const addresses = Object.fromEntries(
    HOSTS.map((h, i) => [h, `10.77.${i + 1}.2`]),
  ) as Topology['addresses'];
  return { names, addresses };
}

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const ip = (...args: string[]) => run('ip', args);
/** Writes a sysctl inside a namespace (/proc/sys is per network namespace). */
const sysctl = (ns: string, key: string, value: string) =>
  run('ip', ['netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key}`]);

export function listNamespaces(): string[] {
  try {
    return ip('netns', 'list')
      .split('\n')
      .map((line) => line.split(' ')[0])
      .filter((name) => name.length > 0);
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Namespaces, and temporary directories, of earlier runs whose bench process is gone. */
export function removeStale(): string[] {
  const removed: string[] = [];
  for (const name of listNamespaces()) {
    const match = new RegExp(`^${NS_PREFIX}(\\d+)-`).exec(name);
    if (match && !alive(Number(match[1]))) {
      removeNamespaces([name]);
      removed.push(name);
    }
  }
  for (const entry of readdirSync(tmpdir())) {
    const match = new RegExp(`^${NS_PREFIX}(\\d+)-`).exec(entry);
    if (match && !alive(Number(match[1]))) {
      rmSync(path.join(tmpdir(), entry), { recursive: true, force: true });
      removed.push(path.join(tmpdir(), entry));
    }
  }
  return removed;
}

/** Blocks the thread (an exit handler cannot await). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Stops every process still inside `names` (all started by this bench: SIGTERM, then SIGKILL
 * after 5 s), then deletes the namespaces. Synchronous, so that it also runs from an exit
 * handler (Ctrl-C: the bench's teardown ends with process.exit).
 */
export function removeNamespaces(names: string[]): void {
  const pidsIn = (ns: string) => {
    try {
      return ip('netns', 'pids', ns)
        .split('\n')
        .filter(Boolean)
        .map(Number)
        .filter((pid) => pid !== process.pid);
    } catch {
      return [];
    }
  };
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };
  const present = new Set(listNamespaces());
  const ours = names.filter((n) => present.has(n));
  signal(ours.flatMap(pidsIn), 'SIGTERM');
  for (let waited = 0; waited < 5000 && ours.flatMap(pidsIn).length > 0; waited += 100) pause(100);
  signal(ours.flatMap(pidsIn), 'SIGKILL');
  for (let waited = 0; waited < 2000 && ours.flatMap(pidsIn).length > 0; waited += 50) pause(50);
  for (const ns of ours) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
}

/**
 * Creates the namespaces: a router with IP forwarding and one veth pair per host (router side
 * `v-<host>`, 10.77.<n>.1; host side `eth0`, 10.77.<n>.2, default route via the router).
 * Every packet between two hosts crosses the router exactly once per direction.
 */
export function createTopology(topology: Topology): void {
  const { names, addresses } = topology;
  const router = names.router;
  ip('netns', 'add', router);
  ip('-n', router, 'link', 'set', 'lo', 'up');
  sysctl(router, 'net/ipv4/ip_forward', '1');
  // The delay line writes packets back through a TUN device: strict reverse-path filtering
  // would drop them (their source is routed through a veth, not the TUN device).
  sysctl(router, 'net/ipv4/conf/all/rp_filter', '0');
  sysctl(router, 'net/ipv4/conf/default/rp_filter', '0');
  for (const host of HOSTS) {
    const ns = names[host];
    const address = addresses[host];
    const gateway = address.replace(/\.2$/, '.1');
    ip('netns', 'add', ns);
    ip(
      '-n',
      router,
      'link',
      'add',
      `v-${host}`,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      ns,
    );
    ip('-n', router, 'addr', 'add', `${gateway}/24`, 'dev', `v-${host}`);
    ip('-n', router, 'link', 'set', `v-${host}`, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', gateway);
  }
}

export type DelayMode = 'netem' | 'delay-line';

/**
 * Whether this machine can run the section, and how it will delay packets: a reason to skip
 * when it cannot (no root, no `ip`, namespaces refused), else the delay mechanism. netem when
 * the kernel has it; else the userspace delay line (a TUN device in the router namespace),
 * which needs a C compiler to build it.
 */
export function probe(prefix: string): { mode: DelayMode } | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'network namespaces are Linux only' };
  if (process.getuid?.() !== 0)
    return { skip: 'creating network namespaces needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)' };
  for (const tool of ['ip', 'tc', 'setpriv', 'redis-server']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0)
      return { skip: `\`${tool}\` is not installed` };
  }
  if (!postgresBinDir()) return { skip: 'no PostgreSQL server binaries (initdb, postgres) found' };
  if (spawnSync('id', ['postgres'], { stdio: 'ignore' }).status !== 0)
    return { skip: 'no `postgres` system user to run PostgreSQL as' };
  const ns = `${prefix}probe`;
  try {
    ip('netns', 'add', ns);
  } catch (error) {
    return { skip: `\`ip netns add\` refused: ${firstLine(error)}` };
  }
  try {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    try {
      run('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '0.1ms']);
      return { mode: 'netem' };
    } catch {
      if (!existsSync('/dev/net/tun')) return { skip: 'neither netem nor /dev/net/tun' };
      if (spawnSync('sh', ['-c', 'command -v cc'], { stdio: 'ignore' }).status !== 0)
        return { skip: 'the kernel has no netem and no C compiler builds the delay line' };
      return { mode: 'delay-line' };
    }
  } finally {
    spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
  }
}

/** The newest Debian PostgreSQL server binaries, if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : undefined;
}

export const firstLine = (error: unknown) =>
  String((error as { stderr?: string }).stderr || error)
    .trim()
    .split('\n')[0];
