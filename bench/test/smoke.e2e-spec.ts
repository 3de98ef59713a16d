import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BENCH = path.resolve(__dirname, '..');
const COMMITTED = path.join(BENCH, 'RESULTS.md');

function runSmoke(outDir: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(BENCH, 'dist', 'run.js'), '--smoke', '--out', outDir],
      { timeout: 200_000, maxBuffer: 1 << 22 },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stderr),
    ),
  );
}

/**
 * Proves the benchmark runs end to end against the real PostgreSQL and Redis: every section,
 * every server, the report. No figure is checked: performance is never a CI assertion.
 */
describe('npm run bench -- --smoke', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(path.join(tmpdir(), 'hybrid-auth-bench-smoke-'));
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs every section and writes RESULTS.md, results.svg and results.json where it is told', async () => {
    const committedBefore = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : undefined;

    await runSmoke(outDir);

    const markdown = readFileSync(path.join(outDir, 'RESULTS.md'), 'utf8');
    for (const heading of [
      '# Benchmark results',
      '## Targets',
      '## 1. Strategies side by side',
      '## CPU profile of the hybrid route',
      '## 2. The refresh path under load',
      '## 3. Login throughput',
      '## 4. Revocation propagation',
      '## 5. Guard micro-benchmarks',
      '## 6. What a token exchange costs against a request',
      '## 7. The real services: a guarded route against an unguarded one',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).not.toContain('Not run.');
    expect(readFileSync(path.join(outDir, 'results.svg'), 'utf8')).toMatch(/^<svg [^]*<\/svg>\n$/);
    const results = JSON.parse(readFileSync(path.join(outDir, 'out', 'results.json'), 'utf8'));
    const targets = results.strategies.summaries.map((s: { target: string }) => s.target);
    expect(targets).toEqual(
      expect.arrayContaining([
        'raw',
        'none',
        'hs256-article',
        'hs256',
        'session-pg',
        'session-redis',
        'hybrid',
        'hybrid-unique',
      ]),
    );
    expect(results.propagation.services.length).toBeGreaterThan(0);
    // Each real service answered both of its routes, guarded and unguarded, with 2xx only.
    const services = results.services.summaries;
    expect(services.map((x: { service: string }) => x.service).sort()).toEqual([
      'billing-service',
      'catalog-service',
      'orders-service',
    ]);
    for (const x of services) {
      expect(x.guarded.failed + x.unguarded.failed).toBe(0);
      expect(x.guarded.rps).toBeGreaterThan(0);
    }
    // The forged refreshes measured the walk under the row lock: every one answered 401, none
    // was throttled (429) or failed (5xx). Their cost is a figure, never checked here.
    const forged = results.refresh.forged;
    expect(Object.keys(forged.statuses)).toEqual(['401 invalid_refresh_token']);
    expect(forged.statuses['401 invalid_refresh_token']).toBeGreaterThan(0);
    expect(markdown).toContain('### A forged deep refresh against a normal one');
    // Every exchange and every GET /auth/me answered 2xx (a refused exchange would be measured
    // as a cheap 4xx), and the real ServiceTokens made one exchange for one user's burst.
    const exchange = results.exchange;
    expect(exchange.exchange.non2xx + exchange.exchange.errors).toBe(0);
    expect(exchange.me.non2xx + exchange.me.errors).toBe(0);
    expect(exchange.exchange.samples[0].requests).toBeGreaterThan(0);
    expect(exchange.caller.burstExchanges).toBe(1);
    // The committed results are never touched by a smoke run.
    expect(existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : undefined).toBe(
      committedBefore,
    );
  }, 240_000);
});
