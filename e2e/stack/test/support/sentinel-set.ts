import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, freePort } from './service-process';

const cli = (port: number, ...args: string[]): string => {
  try {
    return execFileSync('redis-cli', ['-p', String(port), ...args], {
      encoding: 'utf8',
      timeout: 2000,
    }).trim();
  } catch {
    return '';
  }
};

/**
 * A Sentinel-managed Redis for one suite: a primary, one replica and three sentinels, each a
 * redis-server of its own on a free port, with their configuration (which sentinels rewrite)
 * in a temporary directory. Quick to notice a dead primary: 1 s without answers.
 */
export class SentinelSet {
  static readonly NAME = 'hybrid-auth-test';
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'redis-sentinel-'));
  private readonly children = new Map<number, ChildProcess>();

  private constructor(
    readonly primaryPort: number,
    readonly replicaPort: number,
    readonly sentinelPorts: number[],
  ) {}

  static async start(): Promise<SentinelSet> {
    const ports: number[] = [];
    while (ports.length < 5) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const set = new SentinelSet(ports[0], ports[1], ports.slice(2));
    try {
      await set.boot();
    } catch (error) {
      await set.dispose();
      throw error;
    }
    return set;
  }

  /** The services' settings: REDIS_SENTINELS and REDIS_SENTINEL_NAME. */
  get env(): Record<string, string> {
    return {
      REDIS_SENTINELS: this.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_SENTINEL_NAME: SentinelSet.NAME,
    };
  }

  /** The port the first sentinel that answers calls the primary's. */
  primary(): number | undefined {
    for (const port of this.sentinelPorts) {
      const answer = cli(port, 'sentinel', 'get-master-addr-by-name', SentinelSet.NAME);
      const lines = answer.split('\n');
      if (lines.length === 2) return Number(lines[1]);
    }
    return undefined;
  }

  /**
   * Freezes the replica (SIGSTOP): writes to the primary from now on do not reach it, as
   * with asynchronous replication lagging when the primary dies. `thaw` lets it run again.
   */
  freezeReplica(): void {
    this.children.get(this.replicaPort)?.kill('SIGSTOP');
    // Bytes already sent would wait in the frozen replica's socket: cut the link as well, so
    // that what the primary accepts from now on is nowhere but on the primary.
    cli(this.primaryPort, 'client', 'kill', 'type', 'replica');
  }

  thawReplica(): void {
    this.children.get(this.replicaPort)?.kill('SIGCONT');
  }

  /** SIGKILL: the primary vanishes without a word, as a crashed host does. */
  async killPrimary(): Promise<void> {
    const child = this.children.get(this.primaryPort);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    this.thawReplica();
    await Promise.all(
      [...this.children.values()].map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    // Replication writes an RDB file even without `save`: into the temporary directory.
    const server = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    this.spawn(this.primaryPort, ['--port', String(this.primaryPort), ...server]);
    this.spawn(this.replicaPort, [
      '--port',
      String(this.replicaPort),
      ...server,
      '--replicaof',
      '127.0.0.1',
      String(this.primaryPort),
    ]);
    for (const port of this.sentinelPorts) {
      const file = path.join(this.dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${SentinelSet.NAME} 127.0.0.1 ${this.primaryPort} 2`,
          `sentinel down-after-milliseconds ${SentinelSet.NAME} 1000`,
          `sentinel failover-timeout ${SentinelSet.NAME} 5000`,
          `sentinel parallel-syncs ${SentinelSet.NAME} 1`,
          '',
        ].join('\n'),
      );
      this.spawn(port, [file, '--sentinel']);
    }
    // Ready when the replica is in sync and every sentinel knows the replica and the other two
    // (without that, no quorum could elect a leader when the primary dies).
    await eventually(
      () => cli(this.replicaPort, 'info', 'replication').includes('master_link_status:up'),
      15_000,
    );
    await eventually(
      () =>
        this.sentinelPorts.every((port) => {
          const info = cli(port, 'info', 'sentinel');
          return info.includes('slaves=1') && info.includes('sentinels=3');
        }),
      20_000,
    );
  }

  private spawn(port: number, args: string[]): void {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.children.set(port, child);
  }
}
