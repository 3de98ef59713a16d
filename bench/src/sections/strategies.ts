import type { Stack } from '../env/stack';
import { POOL_MAX_AGE_MS, renewIfOlder } from '../env/pool';
import { mintAccessTokens } from '../env/tokens';
import { measured } from '../load/measure';
import type { LoadGenerator } from '../load/types';
import type { StrategiesResult, TargetSample } from '../report/results';
import { log, sleep } from '../util/log';
import { checkTargets, readStats, strategyTargets } from './targets';
import type { Target } from './targets';
import { summarizeTargets } from './summarize';

export const UNIQUE_TARGET = 'hybrid-unique';

/**
 * Item 1: every strategy, interleaved. Each round runs every target once (A B C D ...), the
 * starting point rotating by one each round, so slow drifts of a shared machine hit all
 * targets alike; medians over rounds are reported. First at the article's concurrency (plus
 * the "new token on every request" run), then at a lower, latency-focused one.
 */
export async function runStrategies(
  stack: Stack,
  loadgen: LoadGenerator,
): Promise<StrategiesResult> {
  const { settings } = stack;
  const samples: TargetSample[] = [];
  const levels = [settings.connections, settings.lowConnections];
  let uniqueCount = settings.smoke ? 3000 : 150_000;
  const allTargets: Target[] = [];
  for (const [level, connections] of levels.entries()) {
    await renewIfOlder(stack.pool, POOL_MAX_AGE_MS);
    const targets = strategyTargets(stack);
    await checkTargets(targets);
    allTargets.push(...targets);
    const warmupSec = level === 0 ? settings.warmupSec : Math.min(1, settings.warmupSec);
    log(`strategies at ${connections} connections: warming up every target for ${warmupSec} s`);
    for (const target of warmupSec > 0 ? targets : []) {
      if (target.renew) target.tokens = await target.renew();
      await loadgen.get({
        url: target.url,
        connections,
        durationSec: warmupSec,
        tokens: target.tokens,
        header: target.header,
      });
    }
    for (let round = 0; round < settings.rounds; round += 1) {
      // A round of every target (peers included) takes minutes on a busy machine: the pool's
      // 15-minute tokens are renewed between rounds too, then the hybrid cache warmed on them.
      const issuedAt = stack.pool.issuedAt;
      await renewIfOlder(stack.pool, POOL_MAX_AGE_MS);
      if (stack.pool.issuedAt !== issuedAt) {
        targets.splice(0, targets.length, ...strategyTargets(stack));
        const hybrid = targets.find((t) => t.id === 'hybrid');
        if (hybrid && settings.warmupSec > 0) {
          await loadgen.get({
            url: hybrid.url,
            connections,
            durationSec: Math.min(1, settings.warmupSec),
            tokens: hybrid.tokens,
          });
        }
      }
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const target of order) {
        samples.push(await sampleTarget(stack, loadgen, target, connections, round));
      }
      if (level === 0) {
        const sample = await uniqueTokenRun(stack, loadgen, connections, round, uniqueCount);
        samples.push(sample);
        // Enough distinct tokens next time for 1.5x this round's rate.
        uniqueCount = Math.max(uniqueCount, Math.ceil(sample.requests * 1.5));
        // Those tens of thousands of new tokens evicted the reused pool from the guard's
        // verified-token cache: warm it again (unmeasured, as before round 1), so every
        // round measures the steady state of reused tokens, not a refill after a burst.
        const hybrid = targets.find((t) => t.id === 'hybrid');
        if (hybrid && round + 1 < settings.rounds && settings.warmupSec > 0) {
          await loadgen.get({
            url: hybrid.url,
            connections,
            durationSec: Math.min(1, settings.warmupSec),
            tokens: hybrid.tokens,
          });
        }
      }
    }
  }
  // After every run: it signs out a spare better-auth session (none the runs use).
  const peerRevocation = await stack.peers.betterAuth.revocationCheck(stack.strategies.url);
  return { samples, summaries: summarizeTargets(samples, allTargets), peerRevocation };
}

async function sampleTarget(
  stack: Stack,
  loadgen: LoadGenerator,
  target: Target,
  connections: number,
  round: number,
): Promise<TargetSample> {
  const { durationSec } = stack.settings;
  if (target.renew) target.tokens = await target.renew();
  const before = target.counted ? await readStats(stack) : undefined;
  const sample = await measured([target.pid], () =>
    loadgen.get({
      url: target.url,
      connections,
      durationSec,
      tokens: target.tokens,
      oneShot: target.oneShot,
      header: target.header,
    }),
  );
  const after = target.counted ? await readStats(stack) : undefined;
  const perReq = (key: 'postgres' | 'redis') =>
    before && after && sample.requests > 0 ? (after[key] - before[key]) / sample.requests : 0;
  log(
    `  round ${round + 1} ${target.id.padEnd(14)} c=${connections}: ${Math.round(sample.rps)} req/s, ` +
      `p99 ${sample.p99Ms.toFixed(2)} ms, ${sample.serverCpuUsPerReq.toFixed(0)} us CPU/req` +
      (sample.non2xx + sample.errors > 0
        ? `, ${sample.non2xx} non-2xx, ${sample.errors} errors`
        : ''),
  );
  await sleep(300);
  return {
    ...sample,
    target: target.id,
    round,
    connections,
    postgresPerReq: perReq('postgres'),
    redisPerReq: perReq('redis'),
  };
}

/**
 * The hybrid route with a token never seen before on every request: the cache never hits, so
 * this is the ECDSA (and passport) limit, and what a burst of fresh logins costs. The tokens
 * are minted with auth-service's signing key, for live sessions, in auth-service's format.
 */
async function uniqueTokenRun(
  stack: Stack,
  loadgen: LoadGenerator,
  connections: number,
  round: number,
  count: number,
): Promise<TargetSample> {
  const tokens = mintAccessTokens(stack.signingKey, stack.tokenProfile, stack.sessions, count);
  const target: Target = {
    id: UNIQUE_TARGET,
    label: 'hybrid, a new token on every request',
    url: `${stack.strategies.url}/bench/hybrid`,
    tokens,
    pid: stack.strategies.pid,
    counted: true,
    oneShot: true,
  };
  const sample = await sampleTarget(stack, loadgen, target, connections, round);
  return { ...sample, distinctTokens: Math.min(count, sample.requests) };
}
