import type { Sample } from '../load/measure';

/** One measured phase (a target at one connection count): medians and what went wrong. */
export interface PhaseSummary {
  name: string;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  non2xx: number;
  errors: number;
  samples: Sample[];
}
