import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './support/service-process';

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

/**
 * The guard library as other teams get it: `npm pack`, installed into an app outside this
 * workspace (examples/consumer, on the Express adapter), built with its own tsconfig and run.
 */
describe('the packed @hybrid-auth/auth-guard', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'consumer-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs into an app outside the repository, type-checks, and guards its routes', () => {
    run('npm', ['pack', '-w', 'libs/auth-guard', '--pack-destination', work], ROOT);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const app = path.join(work, 'app');
    cpSync(path.join(ROOT, 'examples', 'consumer'), app, {
      recursive: true,
      filter: (source) =>
        !/node_modules|dist/.test(path.relative(path.join(ROOT, 'examples', 'consumer'), source)),
    });
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball!)],
      app,
    );
    run('npm', ['run', 'build'], app);
    const output = run('npm', ['run', 'smoke'], app);
    expect(output).not.toContain('FAIL');
    expect(output.match(/^ok /gm)).toHaveLength(6);
  }, 240_000);
});
