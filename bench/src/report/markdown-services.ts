import { ms, pct, rate, table, times, us } from './format';
import type { BenchResults } from './results';
import type { ServiceSummary } from './results-services';
import type { Verdict } from './targets';

export const SERVICES_HEADING = '## 8. The real services: a guarded route against an unguarded one';

/** The item's target: on each real downstream service, guarded >= 0.95x unguarded. */
export const SERVICE_RATIO_TARGET = 0.95;

export function servicesSection(r: BenchResults): string {
  const s = r.services;
  if (!s) return `${SERVICES_HEADING}\n\nNot run.`;
  const rows = s.summaries.flatMap((x) => [routeRow(x, 'guarded'), routeRow(x, 'unguarded')]);
  return [
    SERVICES_HEADING,
    `catalog-, orders- and billing-service from their \`dist\`, started as for propagation (their own databases, auth-service's JWKS, the run's revocation stream; billing strict). On each, \`GET /<service>/me\` (who the caller is, from the verified token alone: the cheapest guarded read every service has) against \`GET /health/live\` (public) of the same process, ${s.connections} connections, the pool's access tokens in turn on both (the public route ignores its own). Each round runs both routes of one service back to back (which first alternates), then the next service; the throughput ratio is taken within each round, then its median.`,
    table(
      [
        'service',
        'route',
        'throughput',
        'p50 ms',
        'p99 ms',
        'server CPU us/req',
        'non-2xx + errors',
      ],
      rows,
      'llrrrrr',
    ),
    table(
      [
        'service',
        'guarded / unguarded (median, per round)',
        'CPU ratio: unguarded / guarded CPU per request (median, per round)',
        'server CPU beyond the unguarded route',
        'other CPU (median)',
      ],
      s.summaries.map((x) => [
        x.service,
        `${times(x.ratio)} (${x.ratios.map((v) => v.toFixed(2)).join(', ')})`,
        `${times(x.cpuRatio)} (${(x.cpuRatios ?? []).map((v) => v.toFixed(2)).join(', ')})`,
        `${us(x.cpuBeyondUs)} us/req`,
        pct(Math.max(x.guarded.otherCpuPct, x.unguarded.otherCpuPct)),
      ]),
      'lrrrr',
    ),
    `**How to read it**: \`/health/live\` is not a free route: it runs the same pipeline (error filter, validation pipe, security headers, CSRF check, request context, drain check, request metrics) and the same global guard, which lets it through at once for \`@Public()\`; it is the cheapest route a service has, so the ratio is a floor for real guarded routes, whose own work (a database read, a call) dilutes the guard's share. What \`/me\` adds is the guard's verification (a cache hit on the pooled tokens), handing the user to the handler, and a body of three fields instead of one. The throughput ratio is the target's measure, but on 2 cores shared by the load generator, the service, PostgreSQL, Redis and whatever else runs, a run that others' work disturbed loses throughput that the run beside it kept: a spread of rounds far from each other (a ratio above 1 among them) says so, and so does "other CPU" (percent of a core used by neither the service nor the load generator). The CPU ratio (unguarded over guarded server CPU per request, per round) is what the throughput ratio would be for a service bound by its own CPU, and moves much less with such disturbance; read it first on a busy machine.`,
  ].join('\n\n');
}

function routeRow(x: ServiceSummary, kind: 'guarded' | 'unguarded'): string[] {
  const r = x[kind];
  return [
    kind === 'guarded' ? x.service : '',
    `\`${r.path}\` (${kind})`,
    `${rate(r.rps)} req/s`,
    ms(r.p50Ms),
    ms(r.p99Ms),
    us(r.cpuUsPerReq),
    String(r.failed),
  ];
}

/** One verdict per service measured (none when the section did not run). */
export function servicesVerdicts(r: BenchResults): Verdict[] {
  return (r.services?.summaries ?? []).map((x) => ({
    goal: `${x.service}: \`${x.guarded.path}\` >= ${SERVICE_RATIO_TARGET.toFixed(2)}x \`${x.unguarded.path}\` (${r.services?.connections} connections)`,
    measured: `${times(x.ratio)} (rounds: ${x.ratios.map((v) => v.toFixed(2)).join(', ')}); CPU ratio ${times(x.cpuRatio)}`,
    met: Number.isFinite(x.ratio) ? x.ratio >= SERVICE_RATIO_TARGET : undefined,
    gap:
      Number.isFinite(x.ratio) && x.ratio < SERVICE_RATIO_TARGET
        ? `missed by ${(100 * (1 - x.ratio / SERVICE_RATIO_TARGET)).toFixed(1)}%`
        : '',
  }));
}
