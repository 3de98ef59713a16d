import { DEFAULTS } from '@hybrid-auth/auth-guard';
import { renameSync } from 'node:fs';
import path from 'node:path';
import { POOL_MAX_AGE_MS, renewIfOlder } from '../env/pool';
import type { ServiceProcess } from '../env/processes';
import type { Stack } from '../env/stack';
import { mintAccessTokens } from '../env/tokens';
import type { LoadGenerator } from '../load/types';
import { analyzeProfile } from '../profile/analyze';
import type { ProfileResult, StrategiesResult } from '../report/results';
import { log } from '../util/log';

/**
 * CPU profiles of the hybrid route: a second strategies server (the measured one is never
 * profiled), warmed up, then V8's sampling profiler on for exactly one run at the article's
 * concurrency: once with the reused token pool (the steady state: cache hits), once with a
 * new token on every request (the miss path: signature verification through passport).
 */
export async function runProfile(
  stack: Stack,
  loadgen: LoadGenerator,
  strategies: StrategiesResult | undefined,
): Promise<{ hits: ProfileResult; misses: ProfileResult }> {
  await renewIfOlder(stack.pool, POOL_MAX_AGE_MS);
  const file = path.join(stack.settings.artefactsDir, 'profile.tmp');
  const server = await stack.startStrategies('strategies-profiled', { BENCH_PROFILE_FILE: file });
  const { connections, durationSec, warmupSec } = stack.settings;
  const url = `${server.url}/bench/hybrid`;
  const pool = stack.sessions.map((s) => s.accessToken);
  try {
    log('profile: warming up a separate strategies server, then profiling hybrid runs');
    if (warmupSec > 0)
      await loadgen.get({ url, connections, durationSec: warmupSec, tokens: pool });
    const profiled = async (name: string, label: string, tokens: string[], oneShot: boolean) => {
      await post(`${server.url}/bench/_profile/start`);
      const result = await loadgen.get({ url, connections, durationSec, tokens, oneShot });
      await post(`${server.url}/bench/_profile/stop`);
      const target = path.join(stack.settings.artefactsDir, name);
      renameSync(file, target);
      return analyzeProfile(target, result.requests, label);
    };
    const hits = await profiled(
      'hybrid-hits.cpuprofile',
      'reused token pool (cache hits)',
      pool,
      false,
    );
    // Enough fresh tokens for the whole run at 1.5x the rate the miss path reached earlier.
    const missRate = strategies?.summaries.find((s) => s.target === 'hybrid-unique')?.rps ?? 8000;
    // And never fewer than twice the guard's cache (FIFO, 10k by default): should the load
    // generator run through the list and start again, a token comes back only after more
    // distinct tokens than the cache holds, so it is still a miss (a short list would have
    // turned the rest of the run into cache hits and profiled those).
    const count = Math.max(Math.ceil(missRate * durationSec * 1.5), 2 * DEFAULTS.cacheSize);
    const fresh = mintAccessTokens(stack.signingKey, stack.tokenProfile, stack.sessions, count);
    const misses = await profiled(
      'hybrid-misses.cpuprofile',
      'a new token on every request (cache misses)',
      fresh,
      true,
    );
    return { hits, misses };
  } finally {
    await stopQuietly(server);
  }
}

async function stopQuietly(server: ServiceProcess): Promise<void> {
  await server.stop().catch(() => undefined);
}

async function post(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}
