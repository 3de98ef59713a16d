import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SECTIONS = [
  'strategies',
  'profile',
  'refresh',
  'login',
  'exchange',
  'propagation',
  'micro',
  'scale',
  'network',
  'services',
] as const;
export type Section = (typeof SECTIONS)[number];
export type LoadgenChoice = 'auto' | 'wrk' | 'autocannon';

/** Everything a run needs to know; `--smoke` shrinks every number so CI proves it runs. */
export interface BenchSettings {
  smoke: boolean;
  /** RESULTS.md and results.svg go here; logs, token files, profiles and results.json in `out/`. */
  outDir: string;
  artefactsDir: string;
  sections: Set<Section>;
  loadgen: LoadgenChoice;
  /** Interleaved rounds; medians are taken over them. */
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /** The article's setting, and the latency-focused one. */
  connections: number;
  lowConnections: number;
  /** Distinct users registered, and the sessions (access tokens) they hold: the reused pool. */
  users: number;
  sessions: number;
  loginConnections: number[];
  propagationSessions: number;
  /** Scales the micro-benchmarks' time budgets. */
  microMs: number;
  denyListSizes: number[];
}

const BENCH_ROOT = path.resolve(__dirname, '..');

export function parseSettings(argv: string[]): BenchSettings {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(name, inline);
    else if (next !== undefined && !next.startsWith('--') && name !== 'smoke') {
      flags.set(name, next);
      i += 1;
    } else flags.set(name, true);
  }
  const known = ['smoke', 'out', 'only', 'loadgen', 'rounds', 'duration'];
  for (const name of flags.keys()) {
    if (!known.includes(name))
      throw new Error(`unknown option --${name} (known: ${known.join(', ')})`);
  }
  const smoke = flags.get('smoke') === true;
  const text = (name: string) => {
    const value = flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  // A smoke run never writes over the committed results: it gets a temporary directory.
  const outDir = path.resolve(
    text('out') ?? (smoke ? mkdtempSync(path.join(tmpdir(), 'hybrid-auth-bench-')) : BENCH_ROOT),
  );
  const only = text('only')?.split(',') ?? [...SECTIONS];
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section ${name}`);
  }
  const loadgen = (text('loadgen') ?? 'auto') as LoadgenChoice;
  if (!['auto', 'wrk', 'autocannon'].includes(loadgen))
    throw new Error('--loadgen: auto|wrk|autocannon');
  const base = smoke ? SMOKE : FULL;
  return {
    ...base,
    smoke,
    outDir,
    artefactsDir: path.join(outDir, 'out'),
    sections: new Set(only as Section[]),
    loadgen,
    rounds: Number(text('rounds') ?? base.rounds),
    durationSec: Number(text('duration') ?? base.durationSec),
  };
}

type Numbers = Omit<BenchSettings, 'smoke' | 'outDir' | 'artefactsDir' | 'sections' | 'loadgen'>;

const FULL: Numbers = {
  rounds: 3,
  durationSec: 10,
  warmupSec: 3,
  connections: 100,
  lowConnections: 10,
  users: 250,
  sessions: 1000,
  loginConnections: [8, 100],
  propagationSessions: 200,
  microMs: 1000,
  denyListSizes: [100_000, 1_000_000],
};

const SMOKE: Numbers = {
  rounds: 1,
  durationSec: 1,
  warmupSec: 0,
  connections: 20,
  lowConnections: 4,
  users: 4,
  sessions: 40,
  loginConnections: [4],
  propagationSessions: 3,
  microMs: 30,
  denyListSizes: [10_000, 20_000],
};
