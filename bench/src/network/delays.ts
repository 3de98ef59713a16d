import { execFileSync, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { median, percentile } from '../util/stats';
import { startInNamespace, waitReady } from './ns-process';
import type { NsProcess } from './ns-process';
import { HOSTS } from './topology';
import type { DelayMode, Topology } from './topology';

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/**
 * Sets the one-way delay d between every two hosts.
 *
 * netem: a netem qdisc with delay d on each host's eth0, i.e. on its egress. A packet from A
 * to B waits d when it leaves A and nothing more on the way (the router side has no qdisc);
 * B's answer waits d when it leaves B: one way d, round trip 2d, for every pair of hosts.
 *
 * delay line (kernels without netem): the router routes every packet it receives from a host
 * into a TUN device (policy routing, table 100), where the delay line holds it d and writes it
 * back; packets coming out of the TUN device are forwarded by the main table to their
 * destination. Each packet crosses the router once: one way d, round trip 2d again. Delay 0
 * removes the policy rules: plain kernel forwarding, the same path as netem's baseline.
 */
export class DelayControl {
  private line: NsProcess | undefined;
  private lineOutput: string[] = [];

  constructor(
    private readonly topology: Topology,
    readonly mode: DelayMode,
    private readonly delayLineBinary: string | undefined,
    private readonly logDir: string,
  ) {}

  async start(): Promise<void> {
    if (this.mode !== 'delay-line') return;
    const router = this.topology.names.router;
    const line = startInNamespace({
      name: 'delay-line',
      ns: router,
      command: [this.delayLineBinary!, 'tun0', '0'],
      logDir: this.logDir,
      stdin: 'pipe',
    });
    this.line = line;
    line.child.stdout?.on('data', (chunk: Buffer) =>
      this.lineOutput.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
    );
    await waitReady(line, async () => this.lineOutput.includes('ready'), 10_000);
    run('ip', ['-n', router, 'link', 'set', 'tun0', 'up']);
    run('ip', [
      'netns',
      'exec',
      router,
      'sh',
      '-c',
      'echo 0 > /proc/sys/net/ipv4/conf/tun0/rp_filter',
    ]);
    run('ip', ['-n', router, 'route', 'add', 'default', 'dev', 'tun0', 'table', '100']);
  }

  async set(delayMs: number): Promise<void> {
    const us = Math.round(delayMs * 1000);
    const { names } = this.topology;
    if (this.mode === 'netem') {
      for (const host of HOSTS) {
        if (us > 0) {
          run('tc', [
            '-n',
            names[host],
            'qdisc',
            'replace',
            'dev',
            'eth0',
            'root',
            'netem',
            'delay',
            `${us}us`,
            'limit',
            '100000',
          ]);
        } else {
          spawnSync('tc', ['-n', names[host], 'qdisc', 'del', 'dev', 'eth0', 'root'], {
            stdio: 'ignore',
          });
        }
      }
      return;
    }
    const line = this.line!;
    this.lineOutput = [];
    line.child.stdin?.write(`${us}\n`);
    await waitReady(line, async () => this.lineOutput.includes(`delay ${us}`), 5000);
    HOSTS.forEach((host, i) => {
      const rule = [
        '-n',
        names.router,
        'rule',
        us > 0 ? 'add' : 'del',
        'iif',
        `v-${host}`,
        'lookup',
        '100',
        'pref',
        String(100 + i),
      ];
      // Adding an existing rule or deleting an absent one: nothing to do.
      spawnSync('ip', rule, { stdio: 'ignore' });
    });
  }

  async stop(): Promise<void> {
    this.line?.child.stdin?.end();
    await this.line?.stop('SIGTERM', 3000);
  }
}

/**
 * TCP connect times to host:port over `count` connections, in ms: a round trip each. The
 * 10th percentile shows the delay applied (little scheduling noise in it), the median what a
 * request met on this busy machine.
 */
export async function connectRtt(
  host: string,
  port: number,
  count: number,
): Promise<{ p10Ms: number; medianMs: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    times.push(
      await new Promise<number>((resolve, reject) => {
        const started = process.hrtime.bigint();
        const socket = connect(port, host);
        socket.once('connect', () => {
          resolve(Number(process.hrtime.bigint() - started) / 1e6);
          socket.destroy();
        });
        socket.once('error', reject);
      }),
    );
  }
  return { p10Ms: percentile(times, 10), medianMs: median(times) };
}
