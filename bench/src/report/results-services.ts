import type { Sample } from '../load/measure';

/** One run of one route of a real downstream service. */
export interface ServiceRouteSample extends Sample {
  service: string;
  kind: 'guarded' | 'unguarded';
  round: number;
  connections: number;
}

export interface ServiceRouteSummary {
  path: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  /** Non-2xx answers and socket errors over every round (must be 0). */
  failed: number;
  otherCpuPct: number;
}

export interface ServiceSummary {
  service: string;
  guarded: ServiceRouteSummary;
  unguarded: ServiceRouteSummary;
  /** Median of the per-round throughput ratios guarded / unguarded, and each round's. */
  ratio: number;
  ratios: number[];
  /** Median of the per-round differences of server CPU per request, guarded - unguarded. */
  cpuBeyondUs: number;
  /**
   * Median of the per-round CPU ratios, unguarded / guarded server CPU per request: the
   * throughput ratio of a server bound by its own CPU. Less disturbed than req/s by others'
   * work on a shared machine, which takes cores from one run and not the other.
   */
  cpuRatio: number;
  cpuRatios: number[];
}

/** The real services section: guarded against unguarded on each downstream service. */
export interface ServicesResult {
  connections: number;
  samples: ServiceRouteSample[];
  summaries: ServiceSummary[];
}
