import type { BenchResults, PhaseSummary } from './results';
import { duration, ms, rate, table, us } from './format';
import { forgedRefreshSection } from './markdown-forged';

const phaseRow = (p: PhaseSummary, unit: string) => [
  p.name,
  p.connections > 0 ? String(p.connections) : 'n/a',
  `${rate(p.rps)} ${unit}`,
  ms(p.p50Ms),
  ms(p.p99Ms),
  us(p.cpuUsPerReq),
  String(p.non2xx + p.errors),
];
const PHASE_HEADER = [
  'phase',
  'connections',
  'throughput',
  'p50 ms',
  'p99 ms',
  'server CPU us/req',
  'non-2xx + errors',
];

export function refreshSection(r: BenchResults): string {
  const f = r.refresh;
  if (!f) return '## 2. The refresh path under load\n\nNot run.';
  return [
    '## 2. The refresh path under load',
    `\`POST /auth/refresh\` on auth-service against its PostgreSQL database (autocannon: each request presents the refresh token the previous answer of its chain returned; rotation locks the session row). Server CPU is auth-service's. PostgreSQL transactions per refresh: **${f.transactionsPerRefresh.toFixed(2)}** (pg_stat_database, auth-service's idle relay commits subtracted).`,
    table(PHASE_HEADER, [phaseRow(f.rotation, 'refreshes/s')]),
    `**The mixed workload** the article only estimated: the hybrid route under load (autocannon, token pool) while refreshes run at 1/99 of the rate it reached alone, with real 15-minute tokens: every refreshed access token replaces one in the pool, so its first use is a verified-token cache miss. Refreshes were **${(100 * f.refreshShare).toFixed(2)}%** of all requests. The API row's server CPU is the strategies server's; the refresh row's is auth-service's.`,
    table(PHASE_HEADER, [
      phaseRow(f.mixedBaseline, 'req/s'),
      phaseRow(f.mixedApi, 'req/s'),
      phaseRow(f.mixedRefresh, 'refreshes/s'),
    ]),
    forgedRefreshSection(f.forged),
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

export function loginSection(r: BenchResults): string {
  const l = r.login;
  if (!l) return '## 3. Login\n\nNot run.';
  const best = Math.max(...l.phases.map((p) => p.rps));
  const cpu = l.phases[0]?.cpuUsPerReq ?? Number.NaN;
  return [
    '## 3. Login throughput (argon2id bound)',
    "`POST /auth/login` with correct passwords, users in turn: argon2id verification (m = 19 MiB, t = 2, p = 1, on libuv threads), a session row, a token pair. Server CPU is auth-service's, all threads.",
    table(
      PHASE_HEADER,
      l.phases.map((p) => phaseRow(p, 'logins/s')),
    ),
    `Sizing: about **${rate(best)} logins/s** for this 2-core machine, ${ms(cpu / 1000)} ms of CPU per login; one core sustains roughly ${rate(1e6 / cpu)} logins/s. Beyond that, logins queue: p99 grows with concurrency, not throughput.`,
  ].join('\n\n');
}

export function propagationSection(r: BenchResults): string {
  const p = r.propagation;
  if (!p) return '## 4. Revocation propagation\n\nNot run.';
  return [
    '## 4. Revocation propagation',
    `For each of ${p.sessions} fresh sessions, every service is polled with the session's access token over one kept-alive connection as fast as it answers, while the session logs out (\`POST /auth/logout\`). Delay: from the moment the logout response returned to the first 401. ${p.realServices ? 'Services: catalog, orders and billing from their dist, plus the strategies server.' : '**The downstream services were not available: only the guard-only strategies server was measured.**'} Path: commit of the outbox row, NOTIFY, auth-service's relay appends to the Redis stream, each guard's blocking XREAD returns. The last row is a plain reader of the stream in the bench process: the time the event took to reach Redis, i.e. auth-service's share of the delay.`,
    table(
      ['service', 'p50 ms', 'p99 ms', 'max ms', 'before the logout response'],
      p.services.map((s) => [
        s.name,
        ms(s.p50Ms),
        ms(s.p99Ms),
        ms(s.maxMs),
        `${s.beforeLogoutReturned} of ${s.samples.length}`,
      ]),
    ),
  ].join('\n\n');
}

export function microSection(r: BenchResults): string {
  const m = r.micro;
  if (!m) return '## 5. Guard micro-benchmarks\n\nNot run.';
  const entry = (e: { name: string; opsPerSec: number; nsPerOp: number; note?: string }) => [
    e.name,
    rate(e.opsPerSec),
    duration(e.nsPerOp),
    e.note ?? '',
  ];
  return [
    '## 5. Guard micro-benchmarks',
    'One core, a process of its own (`bench/src/micro`), median of five timed slices after a warm-up. Every token carries the same claims; the ES256 rows marked "guard" run the real `TokenVerifier` of `@hybrid-auth/auth-guard` (built by `AuthGuardModule`).',
    table(['verification', 'per second', 'cost', 'note'], m.verifications.map(entry), 'lrrl'),
    table(
      ['deny-list (`DenyList.check`)', 'per second', 'cost', ''],
      m.denyList.map(entry),
      'lrrl',
    ),
    ...(m.signing
      ? [
          table(
            ['signing (auth-service)', 'per second', 'cost', 'note'],
            m.signing.map(entry),
            'lrrl',
          ),
        ]
      : []),
    'Memory of the deny-list (heap after GC, revoked session ids as flat UUID strings, as the feed decodes them):',
    table(
      ['revoked sessions', 'heap', 'bytes per entry'],
      m.memory.map((x) => [
        rate(x.entries),
        `${(x.bytes / 2 ** 20).toFixed(1)} MiB`,
        rate(x.bytesPerEntry),
      ]),
    ),
  ].join('\n\n');
}
