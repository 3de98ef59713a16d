import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort, startNode } from './processes';
import type { ServiceProcess } from './processes';
import { REDIS_URL } from './redis';

/** bench/dist/env → the repository root. The services run from their built dist, as in production. */
const REPO_ROOT = path.resolve(__dirname, '../../..');
export const appMain = (app: string) => path.join(REPO_ROOT, 'apps', app, 'dist', 'main.js');
export const benchMain = (file: string) => path.resolve(__dirname, '..', file);

export const ISSUER = 'http://auth.bench';
export const DOWNSTREAM_AUDIENCES = ['catalog-service', 'orders-service', 'billing-service'];
export const BENCH_AUDIENCE = 'bench-service';

/** Settings every service of a run shares; LOG_LEVEL=warn keeps request logging off the hot path. */
export function commonEnv(port: number, stream: string): Record<string, string> {
  return {
    PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    REDIS_URL,
    AUTH_ISSUER: ISSUER,
    AUTH_REVOCATION_STREAM: stream,
    NODE_ENV: 'production',
    // Loopback http between the processes of a run.
    AUTH_ALLOW_INSECURE_HTTP: 'true',
  };
}

export async function startAuthService(options: {
  databaseUrl: string;
  stream: string;
  signingKeysFile: string;
  logDir: string;
}): Promise<ServiceProcess> {
  const port = await freePort();
  return startNode({
    name: 'auth-service',
    script: appMain('auth-service'),
    port,
    logDir: options.logDir,
    readyPath: '/health/ready',
    env: {
      ...commonEnv(port, options.stream),
      DATABASE_URL: options.databaseUrl,
      AUTH_SIGNING_KEYS_FILE: options.signingKeysFile,
      AUTH_AUDIENCES: [...DOWNSTREAM_AUDIENCES, BENCH_AUDIENCE].join(','),
      // Production defaults otherwise: 15-minute access tokens, 10 s reuse grace.
      AUTH_COOKIE_SECURE: 'true',
      // Every bench client is 127.0.0.1: per-address limits (sign-ups, refreshes, sign-ins in
      // flight) would measure the throttle, not the service.
      AUTH_REGISTER_MAX_PER_IP: '1000000',
      AUTH_REFRESH_MAX_PER_IP: '100000000',
      AUTH_REFRESH_MAX_PER_SESSION: '100000000',
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000000',
    },
  });
}

export interface DownstreamOptions {
  authUrl: string;
  stream: string;
  logDir: string;
  database: (purpose: string) => Promise<string>;
}

/**
 * catalog, orders and billing from their dist, when they are built: the propagation
 * measurement wants the real services. Returns an empty list when any of them is missing.
 */
export async function startDownstream(options: DownstreamOptions): Promise<ServiceProcess[]> {
  const apps = ['catalog-service', 'orders-service', 'billing-service'];
  if (!apps.every((app) => existsSync(appMain(app)))) return [];
  const [catalogPort, ordersPort, billingPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const guardEnv = (port: number) => ({
    ...commonEnv(port, options.stream),
    AUTH_JWKS_URL: `${options.authUrl}/.well-known/jwks.json`,
  });
  const catalog = startNode({
    name: 'catalog-service',
    script: appMain('catalog-service'),
    port: catalogPort,
    logDir: options.logDir,
    readyPath: '/health/ready',
    env: { ...guardEnv(catalogPort), DATABASE_URL: await options.database('catalog') },
  });
  const orders = startNode({
    name: 'orders-service',
    script: appMain('orders-service'),
    port: ordersPort,
    logDir: options.logDir,
    readyPath: '/health/ready',
    env: {
      ...guardEnv(ordersPort),
      DATABASE_URL: await options.database('orders'),
      CATALOG_URL: `http://127.0.0.1:${catalogPort}`,
    },
  });
  const billing = startNode({
    name: 'billing-service',
    script: appMain('billing-service'),
    port: billingPort,
    logDir: options.logDir,
    readyPath: '/health/ready',
    env: { ...guardEnv(billingPort), ORDERS_URL: `http://127.0.0.1:${ordersPort}` },
  });
  const started = await Promise.allSettled([catalog, orders, billing]);
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(services.map((s) => s.stop()));
    throw failed.reason;
  }
  return services;
}
