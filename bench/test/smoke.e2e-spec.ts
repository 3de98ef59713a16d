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
      { timeout: 300_000, maxBuffer: 1 << 22 },
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
      '## Peers on the same app',
      '## CPU profile of the hybrid route',
      '## 2. The refresh path under load',
      '## 3. Login throughput',
      '## 4. Revocation propagation',
      '## 5. Guard micro-benchmarks',
      '## 6. What a token exchange costs against a request',
      '## 7. Scale',
      '## 9. Hosts with a network between them',
      '## 8. The real services: a guarded route against an unguarded one',
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
    // Every peer route answered, and only 2xx: a peer refusing its own credentials would be
    // measured as a cheap 401 (checkTargets also fails the section on a first refusal).
    const peers = ['nest-jwt', 'passport-jwks', 'better-auth', 'better-auth-cached'];
    for (const peer of peers) {
      const summaries = results.strategies.summaries.filter(
        (s: { target: string }) => s.target === peer,
      );
      expect(summaries.length).toBeGreaterThan(0);
      for (const s of summaries) {
        expect(s.rps).toBeGreaterThan(0);
        expect(s.non2xx + s.errors).toBe(0);
      }
    }
    // What the peers table says about revocation, checked on the running routes: once signed
    // out, a better-auth session is refused at once with database sessions, and still let
    // through by the cookie cache.
    expect(results.strategies.peerRevocation).toEqual({
      before: { database: 200, cookieCache: 200 },
      after: { database: 401, cookieCache: 200 },
    });
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
    // Scale: the caches stayed at their bounds, and no revocation was lost under load: once
    // the run is over, every guard refuses every revoked token. Correctness, not a figure.
    // (The report's "not refused within 5 s" count is a figure: on a loaded CI machine a
    // saturated guard can be late without having lost anything.)
    const scale = results.scale;
    for (const bound of scale.memory.bound) expect(bound.sizeAfter).toBe(bound.bound);
    for (const fill of scale.memory.tokenCache) expect(fill.sizeAfterExtra).toBe(fill.entries);
    expect(scale.revocations.completed).toBeGreaterThan(0);
    expect(scale.revocations.finalCheck.length).toBeGreaterThan(0);
    for (const check of scale.revocations.finalCheck) expect(check.accepted).toBe(0);
    expect(scale.replicas.phases.map((p: { non2xx: number }) => p.non2xx)).toEqual([0, 0, 0, 0]);
    // The network section ran across its namespaces, or said why it could not (no root...).
    const network = results.network;
    expect(network.skipped ?? network.delays.length).toBeTruthy();
    // The committed results are never touched by a smoke run.
    expect(existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : undefined).toBe(
      committedBefore,
    );
  }, 330_000);
});
