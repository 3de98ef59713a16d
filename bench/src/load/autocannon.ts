import autocannon from 'autocannon';
import type { GetLoad, LoadGenerator, LoadResult } from './types';

/**
 * autocannon, in this process. Used for the stateful runs (refresh chains, logins, the mixed
 * workload: its per-request callbacks can carry a token from one response into the next
 * request), and for every run when wrk is not installed. Its own CPU is this process's.
 */
export async function runAutocannon(options: autocannon.Options): Promise<LoadResult> {
  const before = process.cpuUsage();
  const result = await autocannon({ timeout: 5, ...options });
  const cpu = process.cpuUsage(before);
  return {
    tool: 'autocannon',
    requests: result.requests.total,
    durationSec: result.duration,
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    loadgenCpuSec: (cpu.user + cpu.system) / 1e6,
  };
}

/** The next bearer token (or Cookie value) of a list on each request, shared by all connections. */
export function rotatingBearer(
  tokens: readonly string[],
  header: 'authorization' | 'cookie' = 'authorization',
): autocannon.Request {
  let next = 0;
  return {
    setupRequest: (request) => {
      const token = tokens[next];
      next = (next + 1) % tokens.length;
      const value = header === 'cookie' ? { cookie: token } : { authorization: `Bearer ${token}` };
      return { ...request, headers: { ...request.headers, ...value } };
    },
  };
}

export class Autocannon implements LoadGenerator {
  readonly name = 'autocannon' as const;

  get(load: GetLoad): Promise<LoadResult> {
    return runAutocannon({
      url: load.url,
      connections: load.connections,
      duration: load.durationSec,
      requests: load.tokens ? [rotatingBearer(load.tokens, load.header)] : undefined,
    });
  }
}
