import type { BenchResults } from './results';
import type { Verdict } from './verdict';

/** The scale targets of the issue ("Benchmark round two", item 4). */
export function scaleVerdicts(results: BenchResults): Verdict[] {
  const s = results.scale;
  // The target rate is judged on the run that reached it: the HTTP logout when it kept up,
  // else the logout's transaction written straight (the HTTP path gets its own row).
  const http = s?.revocations;
  const runs = [http, s?.outbox, s?.batched].filter((r) => r !== undefined);
  const v =
    runs.find((r) => r.achievedPerSec >= 0.95 * r.targetPerSec) ??
    [...runs].sort((x, y) => y.achievedPerSec - x.achievedPerSec)[0];
  const direct = v !== undefined && v !== http;
  const guards = v?.observers.filter((o) => !o.reference) ?? [];
  const worstP99 = guards.length > 0 ? Math.max(...guards.map((o) => o.p99Ms)) : Number.NaN;
  const rateMet = v ? v.achievedPerSec >= 0.95 * v.targetPerSec : false;
  const lost =
    runs.length > 0
      ? runs.reduce(
          (total, run) =>
            total +
            run.observers.reduce((sum, o) => sum + o.lost, 0) +
            run.finalCheck.reduce((sum, c) => sum + c.accepted, 0),
          0,
        )
      : Number.NaN;
  const fill = s?.memory?.tokenCache.at(-1);
  const perToken = fill?.bytesPerEntry ?? Number.NaN;
  const httpRow: Verdict[] =
    http && direct
      ? [
          {
            goal: `${http.targetPerSec} HTTP logouts/s sustained by auth-service (this machine)`,
            measured: `${http.achievedPerSec.toFixed(0)}/s (p99 to the guards ${Math.max(...http.observers.filter((o) => !o.reference).map((o) => o.p99Ms)).toFixed(1)} ms)`,
            met: http.achievedPerSec >= 0.95 * http.targetPerSec,
            gap: `reached ${((100 * http.achievedPerSec) / http.targetPerSec).toFixed(0)}% of the rate`,
          },
        ]
      : [];
  return [
    ...httpRow,
    {
      goal: `revocation p99 < 100 ms at ${v?.targetPerSec ?? 1000} revocations/s sustained (slowest guard${direct ? `; ${v === s?.batched ? 'several sessions per transaction' : 'one transaction per session'}, written directly` : ''})`,
      measured: v
        ? `${worstP99.toFixed(1)} ms at ${v.achievedPerSec.toFixed(0)}/s achieved`
        : 'n/a',
      met: v && Number.isFinite(worstP99) ? worstP99 < 100 && rateMet : undefined,
      gap: !v
        ? ''
        : !rateMet
          ? `rate: ${v.achievedPerSec.toFixed(0)}/s of ${v.targetPerSec}/s`
          : worstP99 >= 100
            ? `missed by ${(worstP99 - 100).toFixed(1)} ms`
            : '',
    },
    {
      goal: 'no revocation lost under that load (never refused, or accepted afterwards)',
      measured: Number.isFinite(lost) ? String(lost) : 'n/a',
      met: Number.isFinite(lost) ? lost === 0 : undefined,
      gap: lost > 0 ? `${lost} lost` : '',
    },
    {
      goal: `guard memory < 1 KiB per cached token (${fill ? fill.entries.toLocaleString('en-US') : '1,000,000'} cached)`,
      measured: Number.isFinite(perToken) ? `${perToken.toFixed(0)} B` : 'n/a',
      met: Number.isFinite(perToken) ? perToken < 1024 : undefined,
      gap: perToken >= 1024 ? `missed by ${(perToken - 1024).toFixed(0)} B` : '',
    },
  ];
}
