import { startGuardedDatabaseApp } from '@hybrid-auth/database/testing';
import type { GuardedDatabaseApp } from '@hybrid-auth/database/testing';
import { AppModule } from '../src/app.module';
import { loadCatalogConfig } from '../src/config/catalog.config';
import type { CatalogConfig } from '../src/config/catalog.config';

export const AUDIENCE = 'catalog-service';
export const ISSUER = 'http://auth.test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Every e2e suite imports this file. Suites boot apps (some two at once) against the shared
// PostgreSQL and Redis on two cores next to other suites: 5 s is too tight under load.
jest.setTimeout(30_000);

export type CatalogTestApp = GuardedDatabaseApp<CatalogConfig>;

/** The real AppModule with a test guard config, on a fresh database (see startGuardedTestApp). */
export function startCatalogApp(env: Record<string, string> = {}): Promise<CatalogTestApp> {
  return startGuardedDatabaseApp({
    audience: AUDIENCE,
    issuer: ISSUER,
    load: loadCatalogConfig,
    module: (config) => AppModule.register(config),
    env,
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
