import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchSettings } from '../settings';
import { log } from '../util/log';
import {
  NS_PREFIX,
  createTopology,
  postgresBinDir,
  probe,
  removeNamespaces,
  removeStale,
  topologyFor,
} from './topology';
import type { NetworkConfig, NetworkDelay, NetworkResult, NetworkSample } from './types';

/**
 * One-way delays between every two hosts, in ms: 0 (no emulation: the baseline), then
 * same-zone and cross-zone figures (see bench/README.md, "Hosts with a network between them",
 * for the published round trips they come from).
 */
export const DELAYS_MS = [0, 0.1, 0.25, 0.5];

/**
 * About 5 minutes of measurement in full mode (6 delay/concurrency pairs x 5 targets x 2 rounds
 * x 4 s, plus warm-ups). No waiting for a quiet machine before each run: on a busy one, 60 runs
 * would spend minutes waiting; the load average before and after is reported instead.
 */
const FULL = {
  rounds: 2,
  durationSec: 4,
  warmupSec: 1,
  users: 100,
  sessions: 400,
  filler: 100_000,
  quietWaitMs: 0,
};
const SMOKE = {
  rounds: 1,
  durationSec: 1,
  warmupSec: 0,
  users: 2,
  sessions: 8,
  filler: 1000,
  quietWaitMs: 0,
};

/**
 * Item "hosts with a network between them": the load generator, the strategies server,
 * auth-service and PostgreSQL + Redis each in a network namespace of their own, with a
 * one-way delay between them. Creates the namespaces, runs the driver inside the load
 * generator's, and removes everything afterwards: on success, on failure, and on Ctrl-C (the
 * bench's teardown ends the process; an exit handler removes the namespaces then). Skips,
 * saying why, where it lacks the rights.
 */
export async function runNetwork(
  settings: BenchSettings,
  loadgen: 'wrk' | 'autocannon',
): Promise<NetworkResult> {
  const removedStale = removeStale();
  if (removedStale.length > 0)
    log(`network: removed leftovers of a crashed run: ${removedStale.join(', ')}`);
  const own = `${NS_PREFIX}${process.pid}-`;
  const probed = probe(own);
  if ('skip' in probed) {
    log(`network: skipped: ${probed.skip}`);
    return { skipped: probed.skip, removedStale };
  }
  const numbers = settings.smoke ? SMOKE : FULL;
  const loadBefore = loadavg()[0];
  const topology = topologyFor(process.pid);
  const namespaces = Object.values(topology.names);
  // Root-owned, searchable (the postgres user reaches its own 0700 directory inside it).
  const root = mkdtempSync(path.join(tmpdir(), own));
  chmodSync(root, 0o755);
  const workDir = path.join(root, 'work');
  mkdirSync(workDir, { mode: 0o700 });
  const logDir = path.join(settings.artefactsDir, 'logs', 'network');
  mkdirSync(logDir, { recursive: true });
  const cleanup = () => {
    removeNamespaces(namespaces);
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  try {
    log(`network: creating namespaces ${namespaces.join(', ')} (delays: ${probed.mode})`);
    createTopology(topology);
    let delayLineBinary: string | undefined;
    if (probed.mode === 'delay-line') {
      // Built from source for this machine; see delay-line.c for why it exists.
      delayLineBinary = path.join(root, 'delay-line');
      const source = path.resolve(__dirname, '..', '..', 'src', 'network', 'delay-line.c');
      execFileSync('cc', ['-O2', '-o', delayLineBinary, source], { stdio: 'pipe' });
    }
    const config: NetworkConfig = {
      runId: `bench_net_${Date.now().toString(36)}`,
      topology,
      mode: probed.mode,
      delayLineBinary,
      workDir,
      postgresDir: path.join(root, 'postgres'),
      logDir,
      resultsFile: path.join(workDir, 'results.json'),
      postgresBinDir: postgresBinDir()!,
      // Every delay at the latency-focused concurrency; the article's 100 connections, where
      // the server saturates the CPU, at the baseline and the target's delay (full mode only).
      runs: [
        ...DELAYS_MS.map((delayMs) => ({ delayMs, connections: settings.lowConnections })),
        ...(settings.smoke
          ? []
          : [0, 0.25].map((delayMs) => ({ delayMs, connections: settings.connections }))),
      ],
      rounds: numbers.rounds,
      durationSec: numbers.durationSec,
      warmupSec: numbers.warmupSec,
      users: numbers.users,
      sessions: numbers.sessions,
      sessionFiller: numbers.filler,
      loadgen,
      quietWaitMs: numbers.quietWaitMs,
    };
    const configFile = path.join(workDir, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
    const driver = spawn(
      'ip',
      [
        'netns',
        'exec',
        topology.names.load,
        process.execPath,
        path.join(__dirname, 'driver.js'),
        configFile,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      driver.once('error', reject);
      driver.once('exit', (c) => resolve(c));
    });
    if (code !== 0 || !existsSync(config.resultsFile))
      throw new Error(`the network driver failed (exit ${code}); logs in ${logDir}`);
    const measured = JSON.parse(readFileSync(config.resultsFile, 'utf8')) as {
      samples: NetworkSample[];
      delays: NetworkDelay[];
    };
    return {
      mode: probed.mode,
      namespaces,
      removedStale,
      rounds: config.rounds,
      durationSec: config.durationSec,
      loadAverage: { before: loadBefore, after: loadavg()[0] },
      ...measured,
    };
  } finally {
    log(`network: removing namespaces ${namespaces.join(', ')} and ${root}`);
    cleanup();
    process.off('exit', cleanup);
  }
}
