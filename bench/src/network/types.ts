import type { Sample } from '../load/measure';
import type { DelayMode, Topology } from './topology';

/** What the section's driver (inside the load generator's namespace) is told. */
export interface NetworkConfig {
  runId: string;
  topology: Topology;
  mode: DelayMode;
  delayLineBinary?: string;
  /** Private to this run: signing key, clients file, PostgreSQL data, token files. */
  workDir: string;
  /** PostgreSQL's directory (owned by postgres; not inside workDir, which it cannot enter). */
  postgresDir: string;
  logDir: string;
  resultsFile: string;
  postgresBinDir: string;
  /** Each (delay, connections) pair is measured in turn: every target, `rounds` times. */
  runs: { delayMs: number; connections: number }[];
  rounds: number;
  durationSec: number;
  warmupSec: number;
  users: number;
  sessions: number;
  sessionFiller: number;
  loadgen: 'wrk' | 'autocannon';
  quietWaitMs: number;
}

export interface NetworkSample extends Sample {
  target: string;
  delayMs: number;
  round: number;
  connections: number;
}

export interface NetworkRow {
  target: string;
  label: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  /** Medians of per-round ratios (req/s over the same round's unguarded / session-Redis run). */
  vsNone: number;
  vsSessionRedis: number;
  non2xx: number;
  errors: number;
}

export interface NetworkDelay {
  /** One-way delay set between every two hosts. */
  delayMs: number;
  connections: number;
  /** TCP connect time from the load generator to the service (a round trip): median, 10th percentile. */
  connectRttMs: number;
  connectRttP10Ms: number;
  rows: NetworkRow[];
}

export interface NetworkResult {
  /** Why the section did not run (no rights, no netem and no fallback...), when it did not. */
  skipped?: string;
  mode?: DelayMode;
  namespaces?: string[];
  /** Stale namespaces and directories of crashed earlier runs, removed before this one. */
  removedStale: string[];
  rounds?: number;
  durationSec?: number;
  /** The machine's 1-minute load average before and after the section (others share it). */
  loadAverage?: { before: number; after: number };
  delays?: NetworkDelay[];
  samples?: NetworkSample[];
}
