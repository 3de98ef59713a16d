import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { startGuardedTestApp } from '@hybrid-auth/platform/testing';
import type { GuardedTestApp } from '@hybrid-auth/platform/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadCatalogConfig } from '../src/config/catalog.config';
import type { CatalogConfig } from '../src/config/catalog.config';

export const AUDIENCE = 'catalog-service';
export const ISSUER = 'http://auth.test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The app, its fresh database (dropped by `close()`) and a signer for its tokens. */
export type CatalogTestApp = GuardedTestApp<CatalogConfig> & {
  db: TestDatabase;
  dataSource: DataSource;
};

/** The real AppModule (see startGuardedTestApp) against a fresh PostgreSQL database. */
export async function startCatalogApp(env: Record<string, string> = {}): Promise<CatalogTestApp> {
  const db = await createTestDatabase('catalog');
  const started = await startGuardedTestApp({
    audience: AUDIENCE,
    issuer: ISSUER,
    load: loadCatalogConfig,
    module: (config) => AppModule.register(config),
    env: { DATABASE_URL: db.url, ...env },
    release: () => db.drop(),
  });
  return { ...started, db, dataSource: started.app.get(DataSource) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
