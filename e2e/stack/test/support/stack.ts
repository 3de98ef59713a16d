import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { SERVICES, ensureIdentity, loopbackUrls, processEnv } from '@hybrid-auth/stack';
import type { StackIdentity } from '@hybrid-auth/stack';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ServiceProcess, freePort } from './service-process';

type StackEnv = Partial<Record<'auth' | 'catalog' | 'orders' | 'billing', Record<string, string>>>;

export interface StackOptions {
  redisUrl?: string;
  /** Extra variables per service (e.g. { billing: { AUTH_STRICT_BUDGET_MS: '1000' } }). */
  env?: StackEnv;
  /** AUTH_REVOCATION_STREAM of every service (a random one of the stack's own by default). */
  stream?: string;
  /** Databases to reuse (restarts); created when absent. */
  databases?: { auth: TestDatabase; catalog: TestDatabase; orders: TestDatabase };
  /** Service key pairs and clients file to reuse; generated into a temporary directory when absent. */
  identity?: StackIdentity;
  /** How long each service may take to start (the processes' default when absent). */
  startTimeoutMs?: number;
}

export const ISSUER = 'http://auth.stack.test';
export const ADMIN = { email: 'admin@stack.test', password: 'stack admin password' };

/**
 * auth-service and the three downstream services of the stack list, each built service in its
 * own process on a free port, wired to each other as the list says (as `npm start` does), on fresh databases of the
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
    readonly identity: StackIdentity,
  ) {}

  static async create(options: StackOptions = {}): Promise<Stack> {
    const databases = options.databases ?? {
      auth: await createTestDatabase('stack_auth'),
      catalog: await createTestDatabase('stack_catalog'),
      orders: await createTestDatabase('stack_orders'),
    };
    const ports = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s.name, await freePort()] as const)),
    );
    const urls = loopbackUrls(ports);
    const stream = options.stream ?? `test:${randomBytes(4).toString('hex')}:revocations`;
    const common: Record<string, string> = {
      AUTH_ISSUER: ISSUER,
      AUTH_REVOCATION_STREAM: stream,
      // Plain http: unprefixed cookie names, set by auth-service and read by every guard.
      AUTH_COOKIE_SECURE: 'false',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    };
    const extra: Record<string, Record<string, string>> = {
      auth: {
        AUTH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        AUTH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        // Every suite signs up from 127.0.0.1 into the one shared Redis counter.
        AUTH_REGISTER_MAX_PER_IP: '100000',
        // The same for the e-mail throttles (sign-ups count per address and per IP there too):
        // their own suites test them; here they would only make the browser suite order-dependent.
        AUTH_EMAIL_MAX_PER_ADDRESS: '100000',
        AUTH_EMAIL_MAX_PER_IP: '100000',
        // And refreshes and failed logins per IP: the key-rotation and browser suites refresh
        // steadily, and auth-service's throttle suites fail logins from 127.0.0.1 by the dozen,
        // into the same default-prefixed counters. Per session and per account stay as they are.
        AUTH_REFRESH_MAX_PER_IP: '100000',
        AUTH_LOGIN_MAX_FAILURES_PER_IP: '100000',
      },
    };
    const databaseOf: Record<string, TestDatabase | undefined> = databases;
    // A key pair per calling service and auth-service's clients file, as npm start makes them.
    const identity =
      options.identity ?? ensureIdentity(mkdtempSync(path.join(tmpdir(), 'stack-keys-')), SERVICES);
    const [auth, catalog, orders, billing] = SERVICES.map((s) => {
      const env = processEnv(s, {
        urls,
        common,
        overrides: { ...extra[s.name], ...options.env?.[s.name as keyof StackEnv] },
        databaseUrl: databaseOf[s.name]?.url,
        identity,
      });
      return new ServiceProcess(s.title, ports[s.name], env as Record<string, string>);
    });
    const stack = new Stack(auth, catalog, orders, billing, databases, identity);
    Object.assign(stack, { stream });
    try {
      const timeoutMs = options.startTimeoutMs;
      await stack.auth.start({ timeoutMs });
      const started = await Promise.allSettled([
        stack.catalog.start({ timeoutMs }),
        stack.orders.start({ timeoutMs }),
        stack.billing.start({ ready: false, timeoutMs }),
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
