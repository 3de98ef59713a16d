import type { Sample } from '../load/measure';
import type { PhaseSummary } from '../report/results';
import { median } from '../util/stats';

/** Medians over the rounds of one phase. */
export function phaseSummary(name: string, connections: number, samples: Sample[]): PhaseSummary {
  const m = (pick: (s: Sample) => number) => median(samples.map(pick));
  return {
    name,
    connections,
    rps: m((s) => s.rps),
    p50Ms: m((s) => s.p50Ms),
    p99Ms: m((s) => s.p99Ms),
    cpuUsPerReq: m((s) => s.serverCpuUsPerReq),
    non2xx: samples.reduce((sum, s) => sum + s.non2xx, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    samples,
  };
}
