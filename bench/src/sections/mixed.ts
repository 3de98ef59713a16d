import type autocannon from 'autocannon';
import { processCpuSeconds } from '../env/processes';
import type { Stack } from '../env/stack';
import { rotatingBearer, runAutocannon } from '../load/autocannon';
import { measured } from '../load/measure';
import type { Sample } from '../load/measure';
import { percentile } from '../util/stats';
import type { RefreshChains } from './refresh-chains';

/** Requests per refresh: the article's "~1% of requests refresh". */
export const REQUESTS_PER_REFRESH = 100;

/**
 * The hybrid route under load from the token pool; when `chains` is given, every 99th API
 * answer triggers one refresh (as a client population whose tokens come due would), and the
 * new 15-minute access token replaces a pool slot: its first use is a cache miss. The
 * callback is installed in both variants, so the load generator does the same work.
 */
export async function mixedRun(stack: Stack, tokens: string[], chains?: RefreshChains) {
  let answers = 0;
  let slot = 0;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let failed = 0;
  const refresh = async () => {
    const result = await chains!.rotateOnce();
    if (Number.isFinite(result.ms)) latencies.push(result.ms);
    if (!result.ok) failed += 1;
    if (result.accessToken) {
      tokens[slot] = result.accessToken;
      slot = (slot + 1) % tokens.length;
    }
  };
  const request: autocannon.Request = {
    ...rotatingBearer(tokens),
    onResponse: () => {
      answers += 1;
      if (chains && answers % (REQUESTS_PER_REFRESH - 1) === 0) pending.push(refresh());
    },
  };
  const authBefore = processCpuSeconds(stack.auth.pid);
  const api = await measured([stack.strategies.pid], () =>
    runAutocannon({
      url: `${stack.strategies.url}/bench/hybrid`,
      connections: stack.settings.connections,
      duration: stack.settings.durationSec,
      requests: [request],
    }),
  );
  await Promise.all(pending);
  const authCpu = processCpuSeconds(stack.auth.pid) - authBefore;
  const refreshSample: Sample = {
    ...api,
    tool: 'autocannon',
    requests: latencies.length,
    rps: latencies.length / api.durationSec,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    non2xx: failed,
    errors: 0,
    serverCpuUsPerReq: latencies.length > 0 ? (authCpu * 1e6) / latencies.length : Number.NaN,
    serverCpuPct: (100 * authCpu) / api.durationSec,
  };
  return { api, refresh: refreshSample };
}
