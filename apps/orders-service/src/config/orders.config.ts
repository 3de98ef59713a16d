import type { AuthGuardModuleOptions, ServiceTokensOptions } from '@hybrid-auth/auth-guard';
import {
  EnvReader,
  readDatabaseUrl,
  readGuardConfig,
  readHttpConfig,
  readServiceClient,
} from '@hybrid-auth/platform';
import type { HttpConfig, RedisConnection } from '@hybrid-auth/platform';

export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');

export interface OrdersConfig {
  http: HttpConfig;
  /** orders-service's own PostgreSQL database: never the auth database. */
  databaseUrl: string;
  /** AuthGuardModule options: a JWKS URL in production; tests swap in static `keys`. */
  guard: AuthGuardModuleOptions;
  /** Where products are priced: catalog-service's base URL and how long to wait for it. */
  catalog: { url: string; timeoutMs: number };
  /** Orders one user may place per window, counted in Redis (shared by replicas) when configured. */
  orderRateLimit: { points: number; windowSeconds: number };
  /** The Redis of the revocation feed, also holding the shared order counters; none: in-process. */
  redis?: RedisConnection;
  /** Its identity at the token endpoint: catalog-service is called with exchanged tokens. */
  client: ServiceTokensOptions | undefined;
}

/** Reads and validates every variable at once; throws a ConfigError naming each bad one. */
export function loadOrdersConfig(env: Record<string, string | undefined>): OrdersConfig {
  const read = new EnvReader(env);
  const guard = readGuardConfig(read, { audience: 'orders-service' });
  const config: OrdersConfig = {
    http: readHttpConfig(read, 3002),
    databaseUrl: readDatabaseUrl(read),
    guard,
    catalog: {
      url: read
        .url('CATALOG_URL', ['http:', 'https:'], 'http://127.0.0.1:3001')
        .replace(/\/+$/, ''),
      // Short: a client waiting on an order should hear "try again" rather than hang.
      timeoutMs: read.int('CATALOG_TIMEOUT_MS', { default: 2000, min: 100, max: 30_000 }),
    },
    // One account placed 3,000 orders in 11 s: creation is bounded per user.
    orderRateLimit: {
      points: read.int('ORDERS_RATE_LIMIT', { default: 30, min: 1, max: 100_000 }),
      windowSeconds: read.int('ORDERS_RATE_WINDOW', { default: 60, min: 1, max: 86_400 }),
    },
    // The guard's setting is read from the environment here: a URL or sentinel options, never a client.
    redis: guard.revocation?.redis as RedisConnection | undefined,
    client: readServiceClient(read, {
      clientId: guard.audience,
      issuer: guard.issuer,
      jwksUrl: guard.jwksUrl ?? '',
    }),
  };
  read.done();
  return config;
}
