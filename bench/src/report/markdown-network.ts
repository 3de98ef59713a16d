import { networkPairRatios } from '../network/summarize';
import type { NetworkDelay, NetworkResult } from '../network/types';
import { ms, rate, table, times, us } from './format';
import type { BenchResults } from './results';
import type { Verdict } from './verdict';

export const NETWORK_HEADING = '## 9. Hosts with a network between them';

/** Where the delays come from (also in bench/README.md). */
const SOURCES = [
  '[AWS, Availability Zones](https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/availability-zones.html): zones of a region are up to ~100 km apart, "close enough to use synchronous replication with single-digit millisecond latency"',
  '[Google Cloud, Compute Engine region selection](https://web.archive.org/web/20191005083923/https://cloud.google.com/solutions/best-practices-compute-engine-region-selection) (2019 edition): "Locations within regions tend to have round-trip network latencies of <1ms in the 95th percentile"',
  '[Google Distributed Cloud, zone requirements](https://cloud.google.com/distributed-cloud/hosted/docs/latest/gdch/infrastructure/zone-requirements): under 1 ms round trip between two zones of a region, the figure "based on Google Cloud"',
  '[EC2 ping times between zones of one region](https://gist.github.com/josephmisiti/10312241) (a user measurement, 2014): 0.45 ms round trip within a zone, 1.3 and 2.1 ms between zones',
];

const delayName = (d: number) =>
  d === 0
    ? 'no delay (the baseline: plain forwarding between namespaces)'
    : d <= 0.1
      ? `${d} ms one way (${2 * d} ms round trip): same zone, nearby hosts`
      : d <= 0.25
        ? `${d} ms one way (${2 * d} ms round trip): same zone, typical; nearby zones`
        : `${d} ms one way (${2 * d} ms round trip): across zones of a region`;

function delayTable(d: NetworkDelay): string {
  const rows = d.rows.map((r) => [
    r.label,
    rate(r.rps),
    times(r.vsNone),
    times(r.vsSessionRedis),
    ms(r.p50Ms),
    ms(r.p99Ms),
    us(r.cpuUsPerReq),
    r.non2xx + r.errors > 0 ? `${r.non2xx} non-2xx, ${r.errors} errors` : '',
  ]);
  return [
    `### ${delayName(d.delayMs)}, ${d.connections} connections`,
    `Round trip measured (TCP connect from the load generator to the service, 50 times): ${ms(d.connectRttP10Ms)} ms at the 10th percentile (the delay applied), ${ms(d.connectRttMs)} ms median (with this machine's scheduling delays).`,
    table(
      [
        'strategy',
        'req/s',
        'x unguarded',
        'x session-Redis',
        'p50 ms',
        'p99 ms',
        'server CPU us/req',
        'failures',
      ],
      rows,
      'lrrrrrrl',
    ),
  ].join('\n\n');
}

/** How busy the machine was: on a shared 2-core machine, the first thing to read. */
function background(n: NetworkResult, cores: number): string {
  const load = n.loadAverage;
  if (!load) return '';
  const busy = Math.max(load.before, load.after) > 2;
  return `**Background load**: 1-minute load average ${load.before.toFixed(2)} before the section, ${load.after.toFixed(2)} after, on ${cores} cores${busy ? ': **the machine was overloaded by other work during these runs; single runs swing by 2x and more, so read the medians of per-round ratios with that in mind, and re-run on a quiet machine before drawing conclusions**' : ''}.`;
}

export function networkSection(r: BenchResults): string {
  const n = r.network;
  if (!n) return `${NETWORK_HEADING}\n\nNot run.`;
  if (n.skipped) return `${NETWORK_HEADING}\n\nSkipped: ${n.skipped}.`;
  const mechanism =
    n.mode === 'netem'
      ? "a `tc netem` delay on each host's egress (its end of the veth pair), so one way = the delay, a round trip twice it"
      : 'a userspace delay line (this kernel has no `sch_netem`): the router namespace routes every packet through a TUN device that holds it for the delay, so one way = the delay, a round trip twice it; it takes some CPU of its own from the shared cores, and its timer wake-ups add a little to the round trip (measured below)';
  return [
    NETWORK_HEADING,
    `The load generator, the strategies server, auth-service, and PostgreSQL + Redis each run in a network namespace of their own (${(n.namespaces ?? []).join(', ')}), joined through a router namespace by veth pairs; only addresses inside these namespaces are used. The delay between every two hosts is ${mechanism}. Session lookups pay a round trip to the storage host on every request; the hybrid guard verifies locally and talks to auth-service and Redis only in the background (JWKS, revocation stream). ${n.rounds} rounds of ${n.durationSec} s per target at each delay, interleaved; same strategies server, same routes and tokens as section 1.`,
    '**How to read**: compare rows within one table (one delay, one concurrency): ratios are taken within each round, then their median. Across tables, the load generator is closed-loop: with few connections, each request waits its round trips and the req/s figure falls as the delay grows for everyone; what a strategy adds is its own storage round trip. At 100 connections on these 2 shared cores the server saturates the CPU and the delay mostly adds queueing. On a busy machine the server CPU per request is the steadiest column: a session lookup across the network costs the server its own system calls and packets on every request, the hybrid guard none.',
    background(n, r.machine.cores),
    `**Where the delays come from**: ${SOURCES.join('; ')}.`,
    ...(n.delays ?? []).map(delayTable),
  ].join('\n\n');
}

/** The issue's network targets, from the same run's ratios. */
export function networkVerdicts(r: BenchResults): Verdict[] {
  const n = r.network;
  const levels = [...new Set((n?.delays ?? []).map((d) => d.connections))];
  if (!n || n.skipped || levels.length === 0) {
    return [
      {
        goal: 'network: hybrid >= 1.3x session-only Redis at 0.25 ms one-way delay',
        measured: n?.skipped ? `skipped: ${n.skipped}` : 'n/a',
        met: undefined,
        gap: '',
      },
      {
        goal: 'network: hybrid p99 below session-only Redis at every delay',
        measured: 'n/a',
        met: undefined,
        gap: '',
      },
    ];
  }
  return levels.flatMap((connections) => {
    const delays = (n.delays ?? []).filter((d) => d.connections === connections);
    const verdicts: Verdict[] = [];
    const at = delays.find((d) => d.delayMs === 0.25);
    if (at) {
      const rounds = networkPairRatios(
        n.samples ?? [],
        'hybrid',
        'session-redis',
        0.25,
        connections,
      );
      const value = at.rows.find((row) => row.target === 'hybrid')?.vsSessionRedis ?? Number.NaN;
      verdicts.push({
        goal: `network: hybrid >= 1.3x session-only Redis at 0.25 ms one-way delay (${connections} connections)`,
        measured: `${times(value)} (rounds: ${rounds.map((v) => v.toFixed(2)).join(', ')})`,
        met: Number.isFinite(value) ? value >= 1.3 : undefined,
        gap: value < 1.3 ? `missed by ${(100 * (1 - value / 1.3)).toFixed(1)}%` : '',
      });
    }
    const p99 = (d: NetworkDelay, target: string) =>
      d.rows.find((row) => row.target === target)?.p99Ms ?? Number.NaN;
    const worse = delays.filter((d) => !(p99(d, 'hybrid') < p99(d, 'session-redis')));
    verdicts.push({
      goal: `network: hybrid p99 below session-only Redis at every delay (${connections} connections)`,
      measured: delays
        .map((d) => `${d.delayMs} ms: ${ms(p99(d, 'hybrid'))} vs ${ms(p99(d, 'session-redis'))}`)
        .join('; '),
      met: delays.length > 0 ? worse.length === 0 : undefined,
      gap: worse.length > 0 ? `not at ${worse.map((d) => `${d.delayMs} ms`).join(', ')}` : '',
    });
    return verdicts;
  });
}
