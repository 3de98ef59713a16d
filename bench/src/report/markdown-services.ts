import { ms, rate, table, times, us } from './format';
import type { BenchResults } from './results';
import type { ServiceSummary } from './results-services';
import type { Verdict } from './targets';

export const SERVICES_HEADING = '## 7. The real services: a guarded route against an unguarded one';

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
        'server CPU beyond the unguarded route',
      ],
      s.summaries.map((x) => [
        x.service,
        `${times(x.ratio)} (${x.ratios.map((v) => v.toFixed(2)).join(', ')})`,
        `${us(x.cpuBeyondUs)} us/req`,
      ]),
      'lrr',
    ),
    `**How to read it**: \`/health/live\` is not a free route: it runs the same pipeline (error filter, validation pipe, security headers, CSRF check, request context, drain check, request metrics) and the same global guard, which lets it through at once for \`@Public()\`. What \`/me\` adds is the guard's verification (a cache hit on the pooled tokens), handing the user to the handler, and a body of three fields instead of one. A ratio under 1 that stays put across rounds is that difference; its spread across rounds is this machine's noise. On 2 cores shared by the load generator, the service, PostgreSQL, Redis and whatever else runs, a few microseconds per request are within that noise: compare the CPU column with the profile of the strategies server (section "CPU profile"), which puts the guard's own work at a few microseconds.`,
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
    measured: `${times(x.ratio)} (rounds: ${x.ratios.map((v) => v.toFixed(2)).join(', ')})`,
    met: Number.isFinite(x.ratio) ? x.ratio >= SERVICE_RATIO_TARGET : undefined,
    gap:
      Number.isFinite(x.ratio) && x.ratio < SERVICE_RATIO_TARGET
        ? `missed by ${(100 * (1 - x.ratio / SERVICE_RATIO_TARGET)).toFixed(1)}%`
        : '',
  }));
}
