import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './support/service-process';

/** Lints one imagined file at `file` with the repository's ESLint config; returns the messages. */
function lint(file: string, source: string): string {
  const result = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/eslint/bin/eslint.js'),
      '--stdin',
      '--stdin-filename',
      file,
      '--rule',
      '{"@typescript-eslint/no-unused-vars":"off"}',
    ],
    { cwd: ROOT, input: source, encoding: 'utf8' },
  );
  return `${result.stdout}${result.stderr}`;
}

/** The module-boundary rule (tools/eslint/module-boundaries.mjs) constrains for real. */
describe('module boundaries', () => {
  it('lets a downstream service import auth only through @hybrid-auth/auth-guard', () => {
    expect(
      lint(
        'apps/catalog-service/src/probe.ts',
        "import { AuthGuardModule } from '@hybrid-auth/auth-guard';\n",
      ),
    ).not.toMatch(/module-boundaries/);
    expect(
      lint(
        'apps/catalog-service/src/probe.ts',
        "import { AppModule } from '@hybrid-auth/auth-service';\n",
      ),
    ).toMatch(/scope:downstream.*may only depend on scope:shared/);
  });

  it('refuses relative imports into another project and deep imports into a library', () => {
    expect(
      lint(
        'apps/orders-service/src/probe.ts',
        "import { SessionsService } from '../../../auth-service/src/sessions/sessions.service';\n",
      ),
    ).toMatch(/leaves @hybrid-auth\/orders-service/);
    expect(
      lint(
        'apps/billing-service/src/probe.ts',
        "import { DenyList } from '@hybrid-auth/auth-guard/src/revocation/deny-list';\n",
      ),
    ).toMatch(/Deep import/);
  });

  it('keeps test helpers out of production code', () => {
    expect(
      lint(
        'apps/catalog-service/src/probe.ts',
        "import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';\n",
      ),
    ).toMatch(/is for tests only/);
  });
});
