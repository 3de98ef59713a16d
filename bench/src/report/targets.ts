import { median } from '../util/stats';
import { us } from './format';
import { networkVerdicts } from './markdown-network';
import { missPathVerdict } from './miss-target';
import { peerVerdicts } from './peers';
import type { BenchResults } from './results';
import { pairRatio, pairRatios } from './verdict';
import type { Verdict } from './verdict';
import { scaleVerdicts } from './targets-scale';

export type { Verdict };
export { pairRatio, pairRatios };

const atLeast = (
  goal: string,
  value: number,
  threshold: number,
  show = (v: number) => `${v.toFixed(2)}x`,
): Verdict => ({
  goal,
  measured: show(value),
  met: Number.isFinite(value) ? value >= threshold : undefined,
  gap:
    Number.isFinite(value) && value < threshold
      ? `missed by ${(100 * (1 - value / threshold)).toFixed(1)}%`
      : '',
});

const atMost = (goal: string, value: number, threshold: number, show: string): Verdict => ({
  goal,
  measured: Number.isFinite(value) ? show : 'n/a',
  met: Number.isFinite(value) ? value <= threshold : undefined,
  gap:
    Number.isFinite(value) && value > threshold
      ? `missed by ${(100 * (value / threshold - 1)).toFixed(1)}%`
      : '',
});

const below = (
  goal: string,
  value: number,
  threshold: number,
  unit: string,
  digits: number,
): Verdict => ({
  goal,
  measured: Number.isFinite(value) ? `${value.toFixed(digits)} ${unit}` : 'n/a',
  met: Number.isFinite(value) ? value < threshold : undefined,
  gap:
    Number.isFinite(value) && value >= threshold
      ? `missed by ${(value - threshold).toFixed(digits)} ${unit}`
      : '',
});

/** The targets, each from ratios of the same run. */
export function verdicts(results: BenchResults, connections: number): Verdict[] {
  const samples = results.strategies?.samples ?? [];
  const hybridVs = (other: string) => pairRatio(samples, 'hybrid', other, connections);
  // The median, and each round's ratio: their spread is this machine's noise.
  const shown = (other: string) => (value: number) =>
    `${value.toFixed(2)}x (rounds: ${pairRatios(samples, 'hybrid', other, connections)
      .map((v) => v.toFixed(2))
      .join(', ')})`;
  const worstP99 = Math.max(
    ...(results.propagation?.services ?? []).filter((s) => !s.reference).map((s) => s.p99Ms),
  );
  const denyNs = Math.max(...(results.micro?.denyList ?? []).map((e) => e.nsPerOp));
  const forged = results.refresh?.forged;
  return [
    atLeast(
      `hybrid >= 0.90x the unguarded route (${connections} connections)`,
      hybridVs('none'),
      0.9,
      shown('none'),
    ),
    atLeast(
      `hybrid >= 1.5x session-only PostgreSQL (${connections} connections)`,
      hybridVs('session-pg'),
      1.5,
      shown('session-pg'),
    ),
    atLeast(
      `hybrid >= 1.2x session-only Redis (${connections} connections)`,
      hybridVs('session-redis'),
      1.2,
      shown('session-redis'),
    ),
    atLeast(
      `hybrid within 5% of JWT-only HS256 done well (>= 0.95x)`,
      hybridVs('hs256'),
      0.95,
      shown('hs256'),
    ),
    below('revocation propagation p99 < 100 ms (slowest service)', worstP99, 100, 'ms', 1),
    below(
      'deny-list lookup < 1 us at 100k entries (slower of live/revoked)',
      denyNs / 1000,
      1,
      'us',
      3,
    ),
    atMost(
      `a forged deep refresh costs no more than a normal one (auth-service CPU per request, forged ${forged?.walkBound ?? 8} generations back / rotation, <= 1.0x)`,
      forged?.cpuRatio ?? Number.NaN,
      1,
      forged
        ? `${forged.cpuRatio.toFixed(2)}x: ${us(forged.forged.cpuUsPerReq)} against ${us(forged.rotation.cpuUsPerReq)} us (rounds: ${forged.cpuRatios.map((v) => v.toFixed(2)).join(', ')})`
        : 'n/a',
    ),
    ...scaleVerdicts(results),
    ...networkVerdicts(results),
    missPathVerdict(results, connections),
    ...peerVerdicts(results, connections),
  ];
}

/** CPU per request of `target` beyond `base` (median of per-round differences), in microseconds. */
export function cpuBeyond(
  results: BenchResults,
  connections: number,
  target: string,
  base: string,
): number {
  const samples = results.strategies?.samples ?? [];
  const perRound = samples
    .filter((s) => s.target === target && s.connections === connections)
    .map((s) => {
      const other = samples.find(
        (o) => o.target === base && o.connections === connections && o.round === s.round,
      );
      return s.serverCpuUsPerReq - (other?.serverCpuUsPerReq ?? Number.NaN);
    });
  return median(perRound);
}
