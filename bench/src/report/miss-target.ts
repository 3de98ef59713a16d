import { median } from '../util/stats';
import { us } from './format';
import type { BenchResults } from './results';
import type { Verdict } from './verdict';

const MISS_BUDGET = 1.3;

/**
 * The miss path's target: server CPU per request with a new token on every request, against
 * the unguarded route's in the same round plus one ECDSA verification (the micro-benchmark's
 * floor, on one core): at most 1.3x. n/a unless both the strategies and micro sections ran.
 */
export function missPathVerdict(results: BenchResults, connections: number): Verdict {
  const goal = `miss path: server CPU per request <= ${MISS_BUDGET}x (unguarded route + one ECDSA verification) (${connections} connections)`;
  const floor = results.micro?.verifications.find((v) =>
    v.name.startsWith('ES256, node:crypto signature only'),
  );
  const samples = results.strategies?.samples ?? [];
  const rounds = samples
    .filter((s) => s.target === 'hybrid-unique' && s.connections === connections)
    .sort((a, b) => a.round - b.round)
    .map((s) => {
      const none = samples.find(
        (o) => o.target === 'none' && o.connections === connections && o.round === s.round,
      );
      const base = (none?.serverCpuUsPerReq ?? Number.NaN) + (floor?.nsPerOp ?? Number.NaN) / 1000;
      return { ratio: s.serverCpuUsPerReq / base, cpu: s.serverCpuUsPerReq, base };
    });
  const value = rounds.length > 0 ? median(rounds.map((r) => r.ratio)) : Number.NaN;
  if (!Number.isFinite(value)) return { goal, measured: 'n/a', met: undefined, gap: '' };
  const middle = rounds.find((r) => r.ratio === value) ?? rounds[0];
  return {
    goal,
    measured: `${value.toFixed(2)}x: ${us(middle.cpu)} against ${us(middle.base)} us (rounds: ${rounds.map((r) => r.ratio.toFixed(2)).join(', ')})`,
    met: value <= MISS_BUDGET,
    gap: value > MISS_BUDGET ? `missed by ${(100 * (value / MISS_BUDGET - 1)).toFixed(1)}%` : '',
  };
}
