import { duration, ms, rate, table, times, us } from './format';
import type { BenchResults } from './results';
import type { ScaleResult, SustainedRevocations } from './results-scale';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const count = (n: number) => rate(n);

/** Section 7: the guard's bounded structures at a million, revocations at 1,000/s, replicas. */
export function scaleSection(r: BenchResults): string {
  const s = r.scale;
  if (!s) return '## 7. Scale\n\nNot run.';
  return [
    '## 7. Scale',
    'How to read it: the first tables are one core in a child process (`bench/src/micro/scale-*.ts`, heap measured after GC, nothing else in it), so their costs and bytes are the guard’s own. The revocation run and the replica runs share the machine’s 2 cores with PostgreSQL, Redis, the load generator and every guard: read them as what this machine sustains, and the replica table as a ratio measured in the same rounds.',
    ...memoryTables(s),
    ...revocationTables(s.revocations, 'through the HTTP logout'),
    ...(s.outbox ? revocationTables(s.outbox, 'through the logout’s transaction alone') : []),
    ...(s.batched
      ? revocationTables(s.batched, 'the sessions due together in one transaction')
      : []),
    ...replicaTables(s),
  ].join('\n\n');
}

function memoryTables(s: ScaleResult): string[] {
  const m = s.memory;
  if (!m) return ['### The guard at a million entries\n\nNot measured.'];
  const ops = (list: { name: string; nsPerOp: number }[]) =>
    list.map((o) => `${o.name}: ${duration(o.nsPerOp)}`).join('; ');
  const bound = m.bound[0];
  const steady = m.steadyState;
  const deny = m.denyList[m.denyList.length - 1];
  return [
    '### The verified-token cache (`VerifiedTokenCache`, through `TokenVerifier`)',
    `Filled with tokens of auth-service’s size and shape (every claim it writes, ${m.tokenCache[0]?.tokenChars.toFixed(0) ?? 'n/a'} characters) and the frozen user object the guard stores for each, built as its claim check builds it (its keys are checked against a really verified token). The cache holds the whole token (it compares the whole token on a hit) and the user; the default bound is \`cacheSize\` = ${count(m.tokenCache[0]?.bound ?? Number.NaN)}, the second row raises it to the size.`,
    table(
      ['bound', 'entries', 'heap', 'per token', 'then +20% inserted: size, heap', 'lookups'],
      m.tokenCache.map((c) => [
        count(c.bound),
        count(c.entries),
        mib(c.bytes),
        `${c.bytesPerEntry.toFixed(0)} B`,
        `${count(c.sizeAfterExtra)}, ${mib(c.bytesAfterExtra)}`,
        ops(c.ops),
      ]),
      'rrrrll',
    ),
    `**At the bound** (${count(bound.bound)}, ${count(bound.inserted)} inserted): the size stayed at ${count(bound.sizeAfter)}; of the first ${count(bound.oldestChecked)} inserted, ${count(bound.oldestHits)} still hit (evicted); of the last ${count(bound.newestChecked)}, ${count(bound.newestHits)} hit. Eviction is by insertion order (FIFO), not by use: a token looked up after every insertion was ${bound.hotTokenEvicted ? '**evicted anyway** when its turn came (its next request is a miss: one verification, then cached again)' : 'never evicted'}. ${ops(bound.ops)}. A miss costs the lookup above plus a verification (section 5, "no cache").`,
    '### The deny-list (`DenyList`)',
    table(
      ['revoked sessions', 'heap', 'per entry', 'lookups'],
      m.denyList.map((d) => [
        count(d.entries),
        mib(d.bytes),
        `${d.bytesPerEntry.toFixed(0)} B`,
        ops(d.ops),
      ]),
      'rrrl',
    ),
    `**Its bound is time, not a count**: an entry stays ${steady.retentionSec} s (the longest token lifetime plus twice the leeway) and the feed sweeps every ${steady.sweepEverySec} s, so the size is the revocation rate times the window. A simulated clock ran ${count(steady.ratePerSec)} revocations/s for ${steady.simulatedSec} s (${count(steady.inserted)} inserted, 1.2x the window): the size peaked at ${count(steady.maxSize)} and ended at ${count(steady.finalSize)} (rate x (window + one sweep period) = ${count(steady.ratePerSec * (steady.retentionSec + steady.sweepEverySec))}), about ${mib(steady.maxSize * deny.bytesPerEntry)} at the per-entry cost above. One sweep dropping ${count(steady.sweepDropped)} entries (${steady.sweepEverySec} s worth) took ${ms(steady.sweepMs)} ms on the event loop. There is no count cap: ten times the rate would hold ten times the entries.`,
  ];
}

function revocationTables(v: SustainedRevocations | undefined, how: string): string[] {
  if (!v) return ['### Revocations at a sustained rate\n\nNot measured.'];
  return [
    `### Revocations at a sustained ${count(v.targetPerSec)}/s, ${how}`,
    `**Path**: ${v.path}`,
    `For ${v.durationSec} s a revocation was started every ${(1000 / v.targetPerSec).toFixed(1)} ms whether the earlier ones had finished or not (at most ${v.connections} connections, and no more than ${v.connections * 4} waiting: beyond that a due revocation is skipped and counted). **${count(v.completed)} sessions revoked at ${rate(v.achievedPerSec)}/s** (${count(v.sent)} sent, ${count(v.skipped)} skipped, ${count(v.failed)} failed); latency (from the moment it was due to the 204 or the commit) p50 ${ms(v.logoutP50Ms)} ms, p99 ${ms(v.logoutP99Ms)} ms; auth-service CPU ${us(v.authCpuUsPerLogout)} us per revocation${v.path.startsWith('POST') ? '' : ' (its relay alone here: no request reaches it)'}. Cores busy meanwhile (% of one): auth-service ${v.cpu.authPct.toFixed(0)}%, the guards ${v.cpu.guardsPct.toFixed(0)}%, the load generator and pollers ${v.cpu.loadgenPct.toFixed(0)}%, everything else (PostgreSQL, Redis, others) ${v.cpu.otherPct.toFixed(0)}%.`,
    `Delay from the logout’s 204 (or the commit) to the first 401, one revocation in ${v.pollEvery} polled back to back at every guard (every revocation for the stream reader):`,
    table(
      ['observer', 'revocations', 'p50 ms', 'p99 ms', 'max ms', 'never refused within 5 s'],
      v.observers.map((o) => [
        o.reference ? `${o.name}` : o.name,
        count(o.samples),
        ms(o.p50Ms),
        ms(o.p99Ms),
        ms(o.maxMs),
        count(o.lost),
      ]),
      'lrrrrr',
    ),
    `Afterwards every revoked token was presented again (all of them at the guard-only server, one in five and every polled one elsewhere): ${v.finalCheck.map((c) => `${c.name} accepted ${count(c.accepted)} of ${count(c.checked)}`).join('; ')}. Any acceptance is a lost revocation.`,
  ];
}

function replicaTables(s: ScaleResult): string[] {
  const p = s.replicas;
  if (!p) return ['### One and two auth-service replicas\n\nNot measured.'];
  const contention = (kind: string, replicas: number) =>
    p.contention.find((c) => c.kind === kind && c.replicas === replicas);
  return [
    '### One and two auth-service replicas',
    'Two auth-service processes on one database (this section’s own) and the same Redis, sharing the secrets key and the signing key as a deployment’s replicas do. The client is the same both times: two autocannon instances of half the connections each, both aimed at replica A (one replica) or one at A and one at B (two); refresh chains move freely between replicas. **This machine has 2 cores**: a second replica cannot add CPU, so the throughput ratio is expected near 1.0x or below; what it shows is what the split costs (CPU per request) and whether the shared database becomes the contention point (backends waiting on a lock, most statements running at once, sampled every 50 ms from `pg_stat_activity`). On separate hosts the ratio would be bounded by PostgreSQL instead.',
    table(
      [
        'phase',
        'connections',
        'per second',
        'p50 ms',
        'p99 ms',
        'auth-service CPU us/req',
        'lock waits seen',
        'max active',
        'non-2xx',
      ],
      p.phases.map((x) => [
        x.name,
        String(x.connections),
        rate(x.rps),
        ms(x.p50Ms),
        ms(x.p99Ms),
        us(x.cpuUsPerReq),
        count(contention(x.kind, x.replicas)?.lockWaits ?? Number.NaN),
        count(contention(x.kind, x.replicas)?.maxActive ?? Number.NaN),
        count(x.non2xx + x.errors),
      ]),
      'lrrrrrrrr',
    ),
    `Two replicas over one (medians of per-round ratios): ${p.ratios.map((x) => `${x.kind} throughput ${times(x.rps)}, CPU per request ${times(x.cpuPerReq)}`).join('; ')}.`,
  ];
}
