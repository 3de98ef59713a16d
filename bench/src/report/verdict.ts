import { median, ratio } from '../util/stats';
import type { TargetSample } from './results';

export interface Verdict {
  goal: string;
  measured: string;
  /** undefined: not measured in this run. */
  met: boolean | undefined;
  /** How far from the goal, when missed. */
  gap: string;
}

/** Median over rounds of a/b, each ratio taken within one round (see summarize.ts). */
export function pairRatio(
  samples: TargetSample[],
  a: string,
  b: string,
  connections: number,
): number {
  return median(pairRatios(samples, a, b, connections));
}

/** a/b in each round, in round order. */
export function pairRatios(
  samples: TargetSample[],
  a: string,
  b: string,
  connections: number,
): number[] {
  const rounds = samples.filter((s) => s.target === a && s.connections === connections);
  return rounds
    .sort((x, y) => x.round - y.round)
    .map((s) => {
      const other = samples.find(
        (o) => o.target === b && o.connections === connections && o.round === s.round,
      );
      return ratio(s.rps, other?.rps ?? Number.NaN);
    });
}
