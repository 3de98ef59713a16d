import type { Sample } from '../load/measure';
import type { PhaseSummary } from './phase-summary';
import type { ScaleResult } from './results-scale';
import type { NetworkResult } from '../network/types';
import type { ServicesResult } from './results-services';

/** Everything one run measured; results.json holds exactly this, RESULTS.md is rendered from it. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  smoke: boolean;
  machine: MachineInfo;
  loadgen: string;
  settings: Record<string, unknown>;
  strategies?: StrategiesResult;
  profile?: { hits: ProfileResult; misses: ProfileResult };
  refresh?: RefreshResult;
  login?: LoginResult;
  propagation?: PropagationResult;
  exchange?: ExchangeResult;
  micro?: MicroResult;
  scale?: ScaleResult;
  network?: NetworkResult;
  /** The real downstream services, guarded against unguarded (absent in older results). */
  services?: ServicesResult;
  notes: string[];
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
  /** 1-minute load average before the run: others' tests share this machine. */
  loadBefore: number;
  loadAfter?: number;
}

export interface TargetSample extends Sample {
  target: string;
  round: number;
  connections: number;
  /** Storage round trips per request counted in the strategies server (pg queries, Redis GETs). */
  postgresPerReq?: number;
  redisPerReq?: number;
  /** Distinct tokens sent in this run (the "new token per request" run). */
  distinctTokens?: number;
}

export interface TargetSummary {
  target: string;
  label: string;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  /** Medians of per-round ratios: each round's value over the same round's unguarded / raw route. */
  vsNone: number;
  vsRaw: number;
  postgresPerReq: number;
  redisPerReq: number;
  non2xx: number;
  errors: number;
  serverCpuPct: number;
  loadgenCpuPct: number;
  otherCpuPct: number;
}

export interface StrategiesResult {
  samples: TargetSample[];
  summaries: TargetSummary[];
  /** better-auth's routes before and after a sign-out (report/peers.ts). */
  peerRevocation?: PeerRevocationCheck;
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileResult {
  label: string;
  file: string;
  requests: number;
  totalMs: number;
  top: ProfileEntry[];
  byCategory: { category: string; selfMs: number; selfPct: number; usPerReq: number }[];
  /** CPU per request of samples with a guard or passport frame on the stack (inclusive). */
  guardUsPerReq: number;
  guardFrames: ProfileEntry[];
}

export type { PhaseSummary };

/**
 * better-auth's revocation, checked in the run: HTTP statuses of a session's requests to the
 * two better-auth routes before and right after it was signed out (see BetterAuthSessions).
 */
export interface PeerRevocationCheck {
  before: { database: number; cookieCache: number };
  after: { database: number; cookieCache: number };
}

export interface RefreshResult {
  rotation: PhaseSummary;
  /** PostgreSQL transactions per refresh (the relay's idle rate subtracted). */
  transactionsPerRefresh: number;
  mixedBaseline: PhaseSummary;
  mixedApi: PhaseSummary;
  mixedRefresh: PhaseSummary;
  refreshShare: number;
  /** Forged refresh tokens against rotation, measured beside it (absent in older results). */
  forged?: ForgedRefreshResult;
}

export interface ForgedRefreshResult {
  /** Sessions the forged tokens name, round-robin, and the generation they sat at. */
  sessions: number;
  generation: number;
  /** auth-service's MAX_GENERATIONS_BACK. */
  walkBound: number;
  rotation: PhaseSummary;
  /** Tokens exactly `walkBound` generations back: the deepest walk, then a mismatch. */
  forged: PhaseSummary;
  /** Tokens one generation further back: refused before any HMAC. */
  beyond: PhaseSummary;
  /** Forged CPU per request over rotation CPU per request, each round; and their median. */
  cpuRatios: number[];
  cpuRatio: number;
  beyondCpuRatio: number;
  /** Answers to the forged requests, by "<status> <code>". */
  statuses: Record<string, number>;
}

export interface LoginResult {
  phases: PhaseSummary[];
}

export interface PropagationResult {
  sessions: number;
  /** Real downstream services, or the guard-only strategies server when they are not built. */
  realServices: boolean;
  services: {
    name: string;
    /** A reference row (the stream reader), not a service: no target applies. */
    reference: boolean;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    beforeLogoutReturned: number;
    samples: number[];
  }[];
}

export interface MicroEntry {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  note?: string;
}

export interface MicroResult {
  verifications: MicroEntry[];
  denyList: MicroEntry[];
  memory: { entries: number; bytes: number; bytesPerEntry: number }[];
  /** Issuing one access token (auth-service's side); absent in results of older runs. */
  signing?: MicroEntry[];
}

/** The strategies in the order every table and the chart show them. */
export const STRATEGY_ORDER = [
  'raw',
  'none',
  'noop-guard',
  'hs256-article',
  'hs256',
  'session-pg',
  'session-redis',
  'hybrid',
  'hybrid-unique',
  // The peers (report/peers.ts): their own table, after ours in the chart.
  'nest-jwt',
  'passport-jwks',
  'better-auth',
  'better-auth-cached',
];

/** Token exchange (POST /auth/token) against an ordinary authenticated request, same run. */
export interface ExchangeResult {
  clientId: string;
  audience: string;
  /** expires_in of a real exchange, and how often ServiceTokens renews (less its margin). */
  expiresInSec: number;
  intervalSec: number;
  me: PhaseSummary;
  exchange: PhaseSummary;
  /** Medians of per-round ratios, exchange over GET /auth/me. */
  cpuRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  rpsRatio: number;
  caller: ExchangeCaller;
  amortised: ExchangeAmortised[];
}

export interface ExchangeCaller {
  /** Signing one client assertion (ES256), and one ServiceTokens cache hit, in microseconds. */
  assertionUs: number;
  cacheHitUs: number;
  /** One user's burst through the real ServiceTokens, and the exchanges it made. */
  burstCalls: number;
  burstExchanges: number;
}

export interface ExchangeAmortised {
  /** Requests one user sends through one edge a minute. */
  perMinute: number;
  exchangesPerMinute: number;
  /** What the exchanges add, in % of the requests' own server CPU and p50 latency. */
  cpuPct: number;
  latencyPct: number;
}
