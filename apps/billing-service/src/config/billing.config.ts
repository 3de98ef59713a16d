import type { AuthGuardModuleOptions, ServiceTokensOptions } from '@hybrid-auth/auth-guard';
import {
  EnvReader,
  readGuardConfig,
  readHttpConfig,
  readServiceClient,
} from '@hybrid-auth/platform';
import type { HttpConfig } from '@hybrid-auth/platform';

export const BILLING_CONFIG = Symbol('BILLING_CONFIG');

export interface BillingConfig {
  http: HttpConfig;
  /** AuthGuardModule options: a JWKS URL in production; tests swap in static `keys`. */
  guard: AuthGuardModuleOptions;
  /** Where the caller's orders come from: orders-service's base URL and how long to wait. */
  orders: { url: string; timeoutMs: number };
  /** Its identity at the token endpoint: orders-service is called with exchanged tokens. */
  client: ServiceTokensOptions | undefined;
}

/**
 * Reads and validates every variable at once; throws a ConfigError naming each bad one.
 * billing-service is strict unless AUTH_STRICT=false: it follows the revocation feed
 * (REDIS_URL is then required) and refuses every request while the feed is stale.
 */
export function loadBillingConfig(env: Record<string, string | undefined>): BillingConfig {
  const read = new EnvReader(env);
  const guard = readGuardConfig(read, {
    audience: 'billing-service',
    strict: true,
  });
  const config: BillingConfig = {
    http: readHttpConfig(read, 3003),
    guard,
    orders: {
      url: read.url('ORDERS_URL', ['http:', 'https:'], 'http://127.0.0.1:3002').replace(/\/+$/, ''),
      // Short: a client waiting on a summary should hear "try again" rather than hang.
      timeoutMs: read.int('ORDERS_TIMEOUT_MS', { default: 2000, min: 100, max: 30_000 }),
    },
    client: readServiceClient(read, {
      clientId: guard.audience,
      issuer: guard.issuer,
      jwksUrl: guard.jwksUrl ?? '',
    }),
  };
  read.done();
  return config;
}
