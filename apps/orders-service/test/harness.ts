import { startGuardedDatabaseApp } from '@hybrid-auth/database/testing';
import type { GuardedDatabaseApp } from '@hybrid-auth/database/testing';
import { AppModule } from '../src/app.module';
import { loadOrdersConfig } from '../src/config/orders.config';
import type { OrdersConfig } from '../src/config/orders.config';

export { TEST_ISSUER as ISSUER, TEST_REDIS_URL as REDIS_URL } from '@hybrid-auth/platform/testing';
export const AUDIENCE = 'orders-service';

// Apps boot against the shared PostgreSQL and Redis on two busy cores: 5 s is too tight.
jest.setTimeout(30_000);

export type OrdersTestApp = GuardedDatabaseApp<OrdersConfig>;

/** The real AppModule with a test guard config on a fresh database (startGuardedTestApp). */
export const startOrdersApp = (env: Record<string, string> = {}): Promise<OrdersTestApp> =>
  startGuardedDatabaseApp({
    audience: AUDIENCE,
    load: loadOrdersConfig,
    module: appModule,
    env,
  });

const appModule = (config: OrdersConfig) => AppModule.register(config);

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
