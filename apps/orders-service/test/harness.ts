import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { startGuardedTestApp } from '@hybrid-auth/platform/testing';
import type { GuardedTestApp } from '@hybrid-auth/platform/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadOrdersConfig } from '../src/config/orders.config';
import type { OrdersConfig } from '../src/config/orders.config';

export const AUDIENCE = 'orders-service';
export const ISSUER = 'http://auth.test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Every e2e suite imports this file. Suites boot apps (some two at once) against the shared
// PostgreSQL and Redis on two cores next to other suites: 5 s is too tight under load.
jest.setTimeout(30_000);

/** The app, its fresh database (dropped by `close()`) and a signer for its tokens. */
export type OrdersTestApp = GuardedTestApp<OrdersConfig> & {
  db: TestDatabase;
  dataSource: DataSource;
};

/** The real AppModule (see startGuardedTestApp) against a fresh PostgreSQL database. */
export async function startOrdersApp(env: Record<string, string> = {}): Promise<OrdersTestApp> {
  const db = await createTestDatabase('orders');
  const started = await startGuardedTestApp({
    audience: AUDIENCE,
    issuer: ISSUER,
    load: loadOrdersConfig,
    module: (config) => AppModule.register(config),
    env: { DATABASE_URL: db.url, ...env },
    release: () => db.drop(),
  });
  return { ...started, db, dataSource: started.app.get(DataSource) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
