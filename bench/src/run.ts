import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StackBuilder } from './env/stack';
import { chooseLoadGenerator } from './load/loadgen';
import { setQuietWait } from './load/measure';
import { describeMachine } from './report/machine';
import { writeReport } from './report/write';
import type { BenchResults } from './report/results';
import { runExchange } from './sections/exchange';
import { runLogin } from './sections/login';
import { runMicro } from './sections/micro';
import { runNetwork } from './network/section';
import { runProfile } from './sections/profile';
import { runPropagation } from './sections/propagation';
import { runRefresh } from './sections/refresh';
import { runScale } from './sections/scale';
import { runServices } from './sections/services';
import { runStrategies } from './sections/strategies';
import { parseSettings } from './settings';
import type { Section } from './settings';
import { log } from './util/log';

/**
 * `npm run bench [-- --smoke] [--out DIR] [--only strategies,micro] [--loadgen wrk|autocannon]`
 * Starts auth-service, the strategies server and a raw node:http server against the
 * machine's PostgreSQL and Redis (databases and keys of its own), runs every section, writes
 * RESULTS.md, results.svg and out/results.json, and removes everything it created.
 */
async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  mkdirSync(settings.artefactsDir, { recursive: true });
  const machine = await describeMachine();
  // Other people's builds and tests come and go on a shared machine: start runs in a lull.
  setQuietWait(settings.smoke ? 0 : 15_000);
  const loadgen = chooseLoadGenerator(settings.loadgen, settings.artefactsDir, !settings.smoke);
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    smoke: settings.smoke,
    machine,
    loadgen: loadgen.name,
    settings: { ...settings, sections: [...settings.sections] },
    notes: [],
  };
  const builder = new StackBuilder(settings);
  const stopping = () => void builder.teardown().finally(() => process.exit(130));
  process.once('SIGINT', stopping);
  process.once('SIGTERM', stopping);
  // A failing section is reported and the others still run; the exit code says it failed.
  let failures = 0;
  const section = async <T>(name: Section, work: () => Promise<T>): Promise<T | undefined> => {
    if (!settings.sections.has(name)) return undefined;
    try {
      return await work();
    } catch (error) {
      failures += 1;
      log(`section ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      results.notes.push(`Section ${name} failed: ${String(error).split('\n')[0]}`);
      return undefined;
    }
  };
  try {
    // Micro-benchmarks first, in a child process, while the machine is quietest.
    results.micro = await section('micro', () => runMicro(settings));
    // Its own stack, in network namespaces: before the shared one starts, so nothing idles beside it.
    results.network = await section('network', () => runNetwork(settings, loadgen.name));
    // The sections above bring their own processes: a run of only them starts no shared stack
    // (every section below checks it was asked for before it touches `stack`).
    const needsStack = [...settings.sections].some((s) => s !== 'micro' && s !== 'network');
    const stack = needsStack ? await builder.build() : (undefined as never);
    results.strategies = await section('strategies', () => runStrategies(stack, loadgen));
    results.profile = await section('profile', () =>
      runProfile(stack, loadgen, results.strategies),
    );
    // The real downstream services, guarded against unguarded (renews the pool: before refresh).
    results.services = await section('services', () => runServices(stack, loadgen));
    // Before refresh: its chains spend the refresh tokens the pool would be renewed with.
    results.exchange = await section('exchange', () => runExchange(stack));
    results.refresh = await section('refresh', () => runRefresh(stack));
    results.login = await section('login', () => runLogin(stack));
    results.propagation = await section('propagation', () => runPropagation(stack, results.notes));
    // Last: it revokes thousands of sessions and starts replicas of its own.
    results.scale = await section('scale', () => runScale(stack, results.notes));
  } finally {
    log('stopping every process this run started, dropping its databases and Redis keys');
    await builder.teardown();
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAfter = (await describeMachine()).loadBefore;
  writeFileSync(path.join(settings.artefactsDir, 'results.json'), JSON.stringify(results, null, 2));
  const written = writeReport(results, settings.outDir);
  log(`wrote ${written.join(', ')}`);
  if (failures > 0) throw new Error(`${failures} section(s) failed: see the log above`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
