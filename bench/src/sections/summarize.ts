import type { TargetSample, TargetSummary } from '../report/results';
import { median, ratio } from '../util/stats';
import type { Target } from './targets';

/**
 * Medians per (target, concurrency). Ratios are taken within a round first (this round's
 * target over this round's unguarded and raw routes), then their median: the interleaving
 * exists so that a ratio compares runs seconds apart, never minutes apart.
 */
export function summarizeTargets(samples: TargetSample[], targets: Target[]): TargetSummary[] {
  const labels = new Map(targets.map((t) => [t.id, t.label]));
  labels.set('hybrid-unique', 'hybrid, a new token on every request');
  const keys = [...new Set(samples.map((s) => `${s.connections}|${s.target}`))];
  return keys.map((key) => {
    const [connections, target] = [Number(key.split('|')[0]), key.split('|')[1]];
    const mine = samples.filter((s) => s.connections === connections && s.target === target);
    const sameRound = (id: string, round: number) =>
      samples.find((s) => s.connections === connections && s.target === id && s.round === round);
    const ratios = (base: string) =>
      median(mine.map((s) => ratio(s.rps, sameRound(base, s.round)?.rps ?? Number.NaN)));
    const m = (pick: (s: TargetSample) => number) => median(mine.map(pick));
    return {
      target,
      label: labels.get(target) ?? target,
      connections,
      rps: m((s) => s.rps),
      p50Ms: m((s) => s.p50Ms),
      p99Ms: m((s) => s.p99Ms),
      cpuUsPerReq: m((s) => s.serverCpuUsPerReq),
      vsNone: ratios('none'),
      vsRaw: ratios('raw'),
      postgresPerReq: m((s) => s.postgresPerReq ?? 0),
      redisPerReq: m((s) => s.redisPerReq ?? 0),
      non2xx: mine.reduce((sum, s) => sum + s.non2xx, 0),
      errors: mine.reduce((sum, s) => sum + s.errors, 0),
      serverCpuPct: m((s) => s.serverCpuPct),
      loadgenCpuPct: m((s) => s.loadgenCpuPct),
      otherCpuPct: m((s) => s.otherCpuPct),
    };
  });
}
