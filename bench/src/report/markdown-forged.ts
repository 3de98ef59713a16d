import { ms, rate, table, times, us } from './format';
import type { ForgedRefreshResult, PhaseSummary } from './results';

/**
 * The forged-token rows of section 2: what a forger who knows a session id (it is in every
 * access token) can make auth-service spend per request, against a normal rotation.
 */
export function forgedRefreshSection(f: ForgedRefreshResult | undefined): string {
  if (!f) return '';
  const row = (p: PhaseSummary, vsRotation: number) => [
    p.name,
    `${rate(p.rps)} req/s`,
    ms(p.p50Ms),
    ms(p.p99Ms),
    us(p.cpuUsPerReq),
    times(vsRotation),
    String(p.non2xx + p.errors),
  ];
  const answers = Object.entries(f.statuses)
    .map(([key, count]) => `${rate(count)} × ${key}`)
    .join(', ');
  return [
    '### A forged deep refresh against a normal one',
    `${f.sessions} sessions of their own, rotated to generation ${f.generation}, receive \`POST /auth/refresh\` round-robin at ${f.rotation.connections} connections, with a new random 43-character secret each time: \`<sid>.${f.generation - f.walkBound}.<secret>\` is ${f.walkBound} generations back, the deepest walk auth-service does (MAX_GENERATIONS_BACK = ${f.walkBound}: ${f.walkBound} HMACs under the session's row lock, then a mismatch), \`<sid>.${f.generation - f.walkBound - 1}.<secret>\` one further, refused before any HMAC. Each round runs the rotation load (the refresh chains above, at the same concurrency), then the two forgeries, the starting phase rotated; the low concurrency, so that requests do not queue for one of auth-service's 10 database connections and latency shows the work, not the queue; the ratio is taken within each round, then its median. Answers to the forged requests: ${answers || 'none'} (the run fails on anything but 401 invalid_refresh_token, and checks that every session still rotates afterwards). **The bench raises the per-session and per-address refresh limits** (60 and 600 a minute by default): with them in place, such a flood is answered 429 once a session has had 60 refresh attempts in the minute (or the address 600), each refusal costing at most one HMAC and no row lock (only the session's own current or previous token still goes through).`,
    table(
      [
        'phase',
        'throughput',
        'p50 ms',
        'p99 ms',
        'server CPU us/req',
        'CPU vs rotation',
        'non-2xx + errors',
      ],
      [row(f.rotation, 1), row(f.forged, f.cpuRatio), row(f.beyond, f.beyondCpuRatio)],
    ),
    `How to read: the "CPU vs rotation" column is auth-service's CPU per forged request over its CPU per rotation in the same round (rounds: ${f.cpuRatios.map((v) => v.toFixed(2)).join(', ')}; the table shows their median); below 1.0x, a forger buys less server work per request than a client that refreshes legitimately. The non-2xx column counts the forged rows' 401s, which are the expected answer.`,
  ].join('\n\n');
}
