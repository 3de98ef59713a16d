import type { PhaseSummary } from './phase-summary';

/** Issue item "scale figures": the guard's bounded structures at 1M, revocations under load, replicas. */
export interface ScaleResult {
  memory?: ScaleMemory;
  revocations?: SustainedRevocations;
  /** The same rate through the logout's transaction alone (when the HTTP logout fell short). */
  outbox?: SustainedRevocations;
  /** Again, the sessions due together revoked in one transaction (when one each fell short). */
  batched?: SustainedRevocations;
  replicas?: ReplicaScaling;
}

/** One timed operation (median of five slices, as every micro-benchmark). */
export interface ScaleOp {
  name: string;
  nsPerOp: number;
}

/** The verified-token cache (VerifiedTokenCache, through TokenVerifier) filled to one size. */
export interface TokenCacheFill {
  /** The cache's configured bound (cacheSize) and the entries it held after the fill. */
  bound: number;
  entries: number;
  /** Heap after GC, filled minus empty: token strings, the frozen users, the Map. */
  bytes: number;
  bytesPerEntry: number;
  /** Then another 20% of `entries` inserted: the size and heap after (a bounded cache stays put). */
  extraInserted: number;
  sizeAfterExtra: number;
  bytesAfterExtra: number;
  /** Average length of the cached tokens (they are held in full, for the whole-token compare). */
  tokenChars: number;
  ops: ScaleOp[];
}

/** What happens when 1.2x the bound is inserted. */
export interface BoundBehaviour {
  bound: number;
  inserted: number;
  sizeAfter: number;
  /** The first 20% inserted (evicted: must all miss), the last `bound` (must all hit). */
  oldestChecked: number;
  oldestHits: number;
  newestChecked: number;
  newestHits: number;
  /** A token looked up on every insert from the start: evicted anyway when it is the oldest insertion. */
  hotTokenEvicted: boolean;
  /** set() below the bound and at it (with an eviction). */
  ops: ScaleOp[];
}

/** The deny-list's bound is time, not count: a steady revocation rate over more than the window. */
export interface DenyListSteadyState {
  ratePerSec: number;
  retentionSec: number;
  sweepEverySec: number;
  simulatedSec: number;
  inserted: number;
  maxSize: number;
  finalSize: number;
  /** One sweep dropping `sweepEverySec` worth of entries from a full list. */
  sweepMs: number;
  sweepDropped: number;
}

export interface ScaleMemory {
  tokenCache: TokenCacheFill[];
  bound: BoundBehaviour[];
  denyList: {
    entries: number;
    bytes: number;
    bytesPerEntry: number;
    ops: ScaleOp[];
  }[];
  steadyState: DenyListSteadyState;
}

/** Revocations driven at a target rate through auth-service, observed at the guards. */
export interface SustainedRevocations {
  /** How the revocations were made, in words (which real path). */
  path: string;
  targetPerSec: number;
  durationSec: number;
  connections: number;
  sent: number;
  /** Due but not sent: more than `connections` x 4 logouts were waiting (the service fell behind). */
  skipped: number;
  completed: number;
  failed: number;
  achievedPerSec: number;
  /** Logout latency (request sent to 204), auth-service CPU per logout. */
  logoutP50Ms: number;
  logoutP99Ms: number;
  authCpuUsPerLogout: number;
  /** Per guard: delay from the logout's 204 to the first 401, for the polled sample. */
  observers: {
    name: string;
    reference: boolean;
    samples: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    /** Revoked sessions this observer never saw refused (stream: never read) within the wait. */
    lost: number;
  }[];
  /** Every revoked token presented once more at the end: how many each guard still accepted. */
  finalCheck: { name: string; checked: number; accepted: number }[];
  /** Every how many revocations one was polled at the guards (1 = all). */
  pollEvery: number;
  pollIntervalMs: number;
  cpu: { authPct: number; guardsPct: number; loadgenPct: number; otherPct: number };
}

export interface ReplicaScaling {
  /** Phases with one replica, then two (round-robin), same database and Redis. */
  phases: (PhaseSummary & { replicas: number; kind: 'refresh' | 'login' })[];
  /** Median two-replica/one-replica throughput ratio per kind. */
  ratios: { kind: 'refresh' | 'login'; rps: number; cpuPerReq: number }[];
  /** PostgreSQL lock waits and pool saturation seen during the two-replica runs. */
  contention: {
    kind: 'refresh' | 'login';
    replicas: number;
    lockWaits: number;
    maxActive: number;
  }[];
}
