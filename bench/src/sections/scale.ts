import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Stack } from '../env/stack';
import type { ScaleMemory, ScaleResult, SustainedRevocations } from '../report/results-scale';
import type { ScaleMicroArgs } from '../micro/scale-main';
import type { BenchSettings } from '../settings';
import { log } from '../util/log';
import { runReplicaScaling } from './scale-replicas';
import type { ReplicaSettings } from './scale-replicas';
import { runSustainedRevocations } from './scale-revocations';
import type { SustainedSettings } from './scale-revocations';

/** This section's numbers; a smoke run proves the code paths in a few seconds. */
export function scaleSettings(settings: BenchSettings): {
  micro: ScaleMicroArgs;
  revocations: SustainedSettings;
  replicas: ReplicaSettings;
} {
  const smoke = settings.smoke;
  return {
    micro: {
      budgetMs: smoke ? 30 : 500,
      // The guard's default cacheSize (DEFAULTS.cacheSize), then the bound raised to 1M.
      cacheBound: smoke ? 1000 : 10_000,
      cacheLarge: smoke ? 5000 : 1_000_000,
      denyLarge: smoke ? 5000 : 1_000_000,
      revocationsPerSec: smoke ? 10 : 1000,
    },
    revocations: {
      ratePerSec: smoke ? 50 : 1000,
      durationSec: smoke ? 2 : 20,
      connections: smoke ? 8 : 64,
      pollEvery: smoke ? 5 : 20,
      path: 'logout',
    },
    replicas: {
      rounds: smoke ? 1 : 2,
      durationSec: smoke ? 1 : 8,
      users: smoke ? 4 : 50,
      /** Sessions per refresh phase (each starts with fresh chains). */
      sessions: smoke ? 12 : 160,
      refreshConnections: smoke ? 8 : 100,
      loginConnections: smoke ? 4 : 16,
    },
  };
}

/**
 * Scale figures: the guard's bounded structures at a million entries (a child process of
 * its own), revocations at a sustained 1,000/s through auth-service's logout, and refresh
 * and login throughput with one and two auth-service replicas.
 */
export async function runScale(stack: Stack, notes: string[]): Promise<ScaleResult> {
  const numbers = scaleSettings(stack.settings);
  log('scale: the verified-token cache and the deny-list at scale (child process)');
  const memory = await scaleMicro(numbers.micro);
  const revocations = await runSustainedRevocations(stack, numbers.revocations, notes);
  summary(revocations);
  // The same rate through the logout's transaction alone, when HTTP logouts fell short of it.
  const outbox =
    revocations.achievedPerSec < 0.95 * revocations.targetPerSec || stack.settings.smoke
      ? await runSustainedRevocations(stack, { ...numbers.revocations, path: 'outbox' }, notes)
      : undefined;
  if (outbox) summary(outbox);
  // And with the sessions due together revoked together, when one transaction each fell short.
  const batched =
    (outbox && outbox.achievedPerSec < 0.95 * outbox.targetPerSec) || stack.settings.smoke
      ? await runSustainedRevocations(stack, { ...numbers.revocations, path: 'batch' }, notes)
      : undefined;
  if (batched) summary(batched);
  const replicas = await runReplicaScaling(stack, numbers.replicas);
  return { memory, revocations, outbox, batched, replicas };
}

function summary(r: SustainedRevocations): void {
  log(
    `scale: ${r.achievedPerSec.toFixed(0)} revocations/s achieved (${r.skipped} skipped), p99 ` +
      r.observers.map((o) => `${o.name} ${o.p99Ms.toFixed(1)} ms`).join(', '),
  );
}

/** A fresh heap (and room for a million cached tokens): `micro/scale-main.js` in a child. */
async function scaleMicro(args: ScaleMicroArgs): Promise<ScaleMemory> {
  const script = path.resolve(__dirname, '../micro/scale-main.js');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=6144', script, JSON.stringify(args)],
      { maxBuffer: 1 << 22, env: { PATH: process.env.PATH ?? '' } },
      (error, out, err) =>
        error
          ? reject(new Error(`scale micro-benchmarks failed: ${error.message}\n${err}`))
          : resolve(out),
    ),
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ScaleMemory;
}
