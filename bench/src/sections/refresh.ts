import { settledTransactions } from '../env/databases';
import { POOL_MAX_AGE_MS, renewIfOlder } from '../env/pool';
import type { Stack } from '../env/stack';
import { runAutocannon } from '../load/autocannon';
import { measured } from '../load/measure';
import type { Sample } from '../load/measure';
import type { RefreshResult } from '../report/results';
import { log, sleep } from '../util/log';
import { mixedRun } from './mixed';
import { phaseSummary } from './phase';
import { RefreshChains } from './refresh-chains';
import { runForgedRefresh } from './refresh-forged';

/**
 * Item 2. Rotation under load: POST /auth/refresh at the article's concurrency, each request
 * presenting the refresh token its chain's previous answer returned (autocannon, whose
 * per-response callback carries it over). Then the mixed workload the article only
 * estimated (see mixed.ts), interleaved with the same load without refreshes. Then forged
 * refresh tokens against rotation (see refresh-forged.ts).
 */
export async function runRefresh(stack: Stack): Promise<RefreshResult> {
  const { settings, auth } = stack;
  // Before the chains take the refresh tokens: renewing later would present spent ones.
  await renewIfOlder(stack.pool, POOL_MAX_AGE_MS);
  const chains = new RefreshChains(
    auth.url,
    stack.sessions.map((s) => s.refreshToken),
  );
  const settle = settings.smoke ? 0 : 11_000;
  log('refresh: waiting for PostgreSQL statistics to settle');
  const before = await settledTransactions(
    stack.authDatabaseUrl,
    settings.smoke ? 0 : 5000,
    settle,
  );
  const beforeAt = Date.now();
  const rotation: Sample[] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    const sample = await measured([auth.pid], () =>
      runAutocannon({
        url: auth.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: settings.connections,
        duration: settings.durationSec,
        requests: [chains.request()],
      }),
    );
    log(
      `  refresh round ${round + 1}: ${Math.round(sample.rps)} rotations/s, p99 ${sample.p99Ms} ms`,
    );
    rotation.push(sample);
    await sleep(300);
  }
  const after = await settledTransactions(stack.authDatabaseUrl, 0, settle);
  const refreshes = rotation.reduce((sum, s) => sum + s.requests - s.non2xx, 0);
  const background = (before.idlePerSecond * (Date.now() - settle - beforeAt)) / 1000;
  const transactionsPerRefresh = (after.count - before.count - background) / refreshes;

  const pool = stack.sessions.map((s) => s.accessToken);
  const [baseline, api, refresh]: Sample[][] = [[], [], []];
  for (let round = 0; round < settings.rounds; round += 1) {
    baseline.push((await mixedRun(stack, [...pool])).api);
    const mixed = await mixedRun(stack, [...pool], chains);
    api.push(mixed.api);
    refresh.push(mixed.refresh);
    log(
      `  mixed round ${round + 1}: API ${Math.round(mixed.api.rps)} req/s (alone ${Math.round(baseline[round].rps)}), ` +
        `p99 ${mixed.api.p99Ms} ms; ${mixed.refresh.requests} refreshes, p99 ${mixed.refresh.p99Ms.toFixed(1)} ms`,
    );
  }
  const apiRequests = api.reduce((sum, s) => sum + s.requests, 0);
  const refreshRequests = refresh.reduce((sum, s) => sum + s.requests, 0);
  return {
    rotation: phaseSummary('refresh rotation', settings.connections, rotation),
    transactionsPerRefresh,
    mixedBaseline: phaseSummary('hybrid route alone', settings.connections, baseline),
    mixedApi: phaseSummary('hybrid route, 1 refresh per 99 answers', settings.connections, api),
    mixedRefresh: phaseSummary('the refreshes of that mixed load', 0, refresh),
    refreshShare: refreshRequests / (refreshRequests + apiRequests),
    // Last: its rotation rounds take from the same chains, beside the forged loads.
    forged: await runForgedRefresh(stack, chains),
  };
}
