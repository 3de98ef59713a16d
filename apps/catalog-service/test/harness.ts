import { startGuardedDatabaseApp } from '@hybrid-auth/database/testing';
import type { GuardedDatabaseApp } from '@hybrid-auth/database/testing';
import type { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { AppModule } from '../src/app.module';
import { loadCatalogConfig } from '../src/config/catalog.config';
import type { CatalogConfig } from '../src/config/catalog.config';

export { TEST_ISSUER as ISSUER, TEST_REDIS_URL as REDIS_URL } from '@hybrid-auth/platform/testing';
export const AUDIENCE = 'catalog-service';

// Apps boot against the shared PostgreSQL and Redis on two busy cores: 5 s is too tight.
jest.setTimeout(30_000);

export type CatalogTestApp = GuardedDatabaseApp<CatalogConfig>;

/** The real AppModule with a test guard config on a fresh database (startGuardedTestApp). */
export const startCatalogApp = (
  env: Record<string, string> = {},
  signer?: TestTokenSigner,
): Promise<CatalogTestApp> =>
  startGuardedDatabaseApp({
    audience: AUDIENCE,
    load: loadCatalogConfig,
    module: appModule,
    env,
    signer,
  });

const appModule = (config: CatalogConfig) => AppModule.register(config);

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
