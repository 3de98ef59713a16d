import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { randomBytes } from 'node:crypto';
import { ServiceProcess, freePort } from './service-process';

export interface StackOptions {
  redisUrl?: string;
  /** Extra variables per service (e.g. { billing: { AUTH_STRICT_BUDGET_MS: '1000' } }). */
  env?: Partial<Record<'auth' | 'catalog' | 'orders' | 'billing', Record<string, string>>>;
  /** AUTH_REVOCATION_STREAM of every service (a random one of the stack's own by default). */
  stream?: string;
  /** Databases to reuse (restarts); created when absent. */
  databases?: { auth: TestDatabase; catalog: TestDatabase; orders: TestDatabase };
}

export const ISSUER = 'http://auth.stack.test';
export const ADMIN = { email: 'admin@stack.test', password: 'stack admin password' };

/**
 * auth-service and the three downstream services, each built service in its own process on
 * a free port, wired to each other like `npm start` does, on fresh databases of the
 * machine's PostgreSQL and a Redis stream of their own.
 */
export class Stack {
  readonly stream = `test:${randomBytes(4).toString('hex')}:revocations`;

  private constructor(
    readonly auth: ServiceProcess,
    readonly catalog: ServiceProcess,
    readonly orders: ServiceProcess,
    readonly billing: ServiceProcess,
    readonly databases: { auth: TestDatabase; catalog: TestDatabase; orders: TestDatabase },
  ) {}

  static async create(options: StackOptions = {}): Promise<Stack> {
    const databases = options.databases ?? {
      auth: await createTestDatabase('stack_auth'),
      catalog: await createTestDatabase('stack_catalog'),
      orders: await createTestDatabase('stack_orders'),
    };
    const [authPort, catalogPort, ordersPort, billingPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const stream = options.stream ?? `test:${randomBytes(4).toString('hex')}:revocations`;
    const common: Record<string, string> = {
      AUTH_ISSUER: ISSUER,
      AUTH_REVOCATION_STREAM: stream,
      AUTH_JWKS_URL: `http://127.0.0.1:${authPort}/.well-known/jwks.json`,
      // Plain http: unprefixed cookie names, set by auth-service and read by every guard.
      AUTH_COOKIE_SECURE: 'false',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    };
    const env = options.env ?? {};
    const stack = new Stack(
      new ServiceProcess('auth-service', authPort, {
        ...common,
        DATABASE_URL: databases.auth.url,
        AUTH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        AUTH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        // Every suite signs up from 127.0.0.1 into the one shared Redis counter.
        AUTH_REGISTER_MAX_PER_IP: '100000',
        ...env.auth,
      }),
      new ServiceProcess('catalog-service', catalogPort, {
        ...common,
        DATABASE_URL: databases.catalog.url,
        ...env.catalog,
      }),
      new ServiceProcess('orders-service', ordersPort, {
        ...common,
        DATABASE_URL: databases.orders.url,
        CATALOG_URL: `http://127.0.0.1:${catalogPort}`,
        ...env.orders,
      }),
      new ServiceProcess('billing-service', billingPort, {
        ...common,
        ORDERS_URL: `http://127.0.0.1:${ordersPort}`,
        ...env.billing,
      }),
      databases,
    );
    Object.assign(stack, { stream });
    try {
      await stack.auth.start();
      const started = await Promise.allSettled([
        stack.catalog.start(),
        stack.orders.start(),
        stack.billing.start({ ready: false }),
      ]);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } catch (error) {
      // Whatever did start is stopped: a half-started stack would keep Jest from exiting.
      await stack.stop({ keepDatabases: options.databases !== undefined }).catch(() => undefined);
      throw error;
    }
    return stack;
  }

  get downstream(): ServiceProcess[] {
    return [this.catalog, this.orders, this.billing];
  }

  async stop({ keepDatabases = false } = {}): Promise<void> {
    await Promise.all([this.billing.stop(), this.orders.stop(), this.catalog.stop()]);
    await this.auth.stop();
    if (!keepDatabases) await Promise.all(Object.values(this.databases).map((db) => db.drop()));
  }
}
