import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BENCH = path.resolve(__dirname, '..');
const PREFIX = 'hybnet-';

const namespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);

/** A pid that no process has any more: a crashed bench run's. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const hasIp = has('ip');
/** Everything the section needs here (netem, or the delay line's TUN device and compiler). */
const canRun =
  isRoot &&
  ['ip', 'tc', 'setpriv', 'redis-server', 'cc'].every(has) &&
  existsSync('/dev/net/tun') &&
  existsSync('/usr/lib/postgresql');

/**
 * The network section for real, in smoke mode: namespaces created, PostgreSQL, Redis,
 * auth-service and the strategies server started in theirs, every strategy measured across
 * them at every delay, and everything removed afterwards (including a crashed run's leftover
 * namespace, created here). Without root the section must say it skipped, and not fail.
 */
describe('npm run bench -- --smoke --only network', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(path.join(tmpdir(), 'hybrid-auth-bench-network-'));
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('measures every strategy across network namespaces and removes them all', async () => {
    const stale = `${PREFIX}${deadPid()}-stale`;
    if (isRoot && hasIp) execFileSync('ip', ['netns', 'add', stale]);
    const seen = new Set<string>();
    const watcher = setInterval(() => {
      if (isRoot && hasIp) for (const ns of namespaces()) seen.add(ns);
    }, 200);
    let pid = -1;
    try {
      await new Promise<void>((resolve, reject) => {
        const child = execFile(
          process.execPath,
          [path.join(BENCH, 'dist', 'run.js'), '--smoke', '--only', 'network', '--out', outDir],
          { timeout: 200_000, maxBuffer: 1 << 22 },
          (error, _stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
        );
        pid = child.pid ?? -1;
      });
    } finally {
      clearInterval(watcher);
    }
    const results = JSON.parse(readFileSync(path.join(outDir, 'out', 'results.json'), 'utf8'));
    const network = results.network;
    const markdown = readFileSync(path.join(outDir, 'RESULTS.md'), 'utf8');
    expect(markdown).toContain('## 9. Hosts with a network between them');
    if (network.skipped !== undefined) {
      // Only where something it needs is missing, saying what, and the run did not fail
      // (execFile would have thrown).
      expect(canRun).toBe(false);
      expect(markdown).toContain(`Skipped: ${network.skipped}`);
      return;
    }
    // The run's own namespaces existed while it ran...
    const own = [
      `${PREFIX}${pid}-load`,
      `${PREFIX}${pid}-svc`,
      `${PREFIX}${pid}-auth`,
      `${PREFIX}${pid}-store`,
    ];
    expect([...seen]).toEqual(expect.arrayContaining(own));
    // ...every strategy answered 2xx across them at every delay...
    for (const delay of network.delays) {
      for (const row of delay.rows) {
        expect(row.non2xx + row.errors).toBe(0);
        expect(row.rps).toBeGreaterThan(0);
      }
      expect(delay.rows.map((r: { target: string }) => r.target)).toEqual(
        expect.arrayContaining(['none', 'hs256', 'session-pg', 'session-redis', 'hybrid']),
      );
    }
    expect(network.delays.map((d: { delayMs: number }) => d.delayMs)).toEqual([0, 0.1, 0.25, 0.5]);
    // ...and the delay was really there: a round trip crosses it twice. A lower bound only
    // (a slow machine makes it longer, never shorter); 1.5x one way leaves room for the
    // delay line's early wake-ups (at most 0.1 ms per crossing).
    const at = network.delays.find((d: { delayMs: number }) => d.delayMs === 0.5);
    expect(at.connectRttP10Ms).toBeGreaterThanOrEqual(0.75);
    // Nothing of it is left: its namespaces, the crashed run's, their temporary directories.
    const after = namespaces();
    expect(after.filter((ns) => ns.startsWith(`${PREFIX}${pid}-`))).toEqual([]);
    expect(after).not.toContain(stale);
    expect(network.removedStale).toContain(stale);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`${PREFIX}${pid}-`))).toEqual([]);
  }, 240_000);
});
