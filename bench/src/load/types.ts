/** One load run, whatever generated it. Latencies in milliseconds. */
export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  requests: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers outside 2xx (3xx counted too) and socket errors or timeouts. */
  non2xx: number;
  errors: number;
  /** CPU the load generator itself used, to show what it took from the server on 2 cores. */
  loadgenCpuSec: number;
}

/** A stateless GET run: the same path, the next bearer token of a list on each request. */
export interface GetLoad {
  url: string;
  connections: number;
  durationSec: number;
  /** Rotated in order; undefined sends no Authorization header. */
  tokens?: readonly string[];
  /** The tokens are used for this run only: a generator that wrote them to a file deletes it. */
  oneShot?: boolean;
  /** `cookie`: each token is a Cookie header's value, not a bearer token (better-auth). */
  header?: 'authorization' | 'cookie';
}

export interface LoadGenerator {
  name: 'wrk' | 'autocannon';
  get(load: GetLoad): Promise<LoadResult>;
}
