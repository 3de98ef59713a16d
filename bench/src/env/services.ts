import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AUTH, REPO_ROOT, SERVICES, loopbackUrls, processEnv } from '@hybrid-auth/stack';
import { freePort, startNode } from './processes';
import type { ServiceProcess } from './processes';
import { REDIS_URL } from './redis';

/** The services run from their built dist (the stack list's entry points), as in production. */
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

export interface AuthServiceOptions {
  databaseUrl: string;
  stream: string;
  signingKeysFile: string;
  clientsFile: string;
  logDir: string;
  /** Replicas of one auth-service share it (it encrypts the keys kept in their database). */
  secretsKey?: string;
  /** Process (and log file) name; replicas need distinct ones. */
  name?: string;
}

export async function startAuthService(options: AuthServiceOptions): Promise<ServiceProcess> {
  const port = await freePort();
  return startNode({
    name: options.name ?? AUTH.title,
    script: AUTH.main,
    port,
    logDir: options.logDir,
    readyPath: '/health/ready',
    env: authServiceEnv(port, options),
  });
}

/** auth-service's whole environment in a run (the network section starts it elsewhere). */
export function authServiceEnv(
  port: number,
  options: Omit<AuthServiceOptions, 'logDir'>,
): Record<string, string> {
  return {
    ...commonEnv(port, options.stream),
    DATABASE_URL: options.databaseUrl,
    AUTH_SIGNING_KEYS_FILE: options.signingKeysFile,
    // Production refuses a generated refresh-token key kept in clear: one key per run.
    AUTH_SECRETS_KEY: options.secretsKey ?? randomBytes(32).toString('base64url'),
    AUTH_AUDIENCES: [...DOWNSTREAM_AUDIENCES, BENCH_AUDIENCE].join(','),
    // Production defaults otherwise: 15-minute access tokens, 10 s reuse grace.
    AUTH_COOKIE_SECURE: 'true',
    // Every bench client is 127.0.0.1: per-address limits (sign-ups, refreshes, sign-ins in
    // flight) would measure the throttle, not the service. The per-session refresh limit
    // too: the forged-refresh phase floods a few sessions on purpose, to measure the HMAC
    // walk under the row lock that the limit would otherwise cut short with 429s.
    AUTH_REGISTER_MAX_PER_IP: '1000000',
    AUTH_REFRESH_MAX_PER_IP: '100000000',
    AUTH_REFRESH_MAX_PER_SESSION: '100000000',
    AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000000',
    // The bench's token-exchange client; its load comes from one client and one address.
    AUTH_CLIENTS_FILE: options.clientsFile,
    AUTH_TOKEN_MAX_PER_CLIENT: '100000000',
    AUTH_TOKEN_MAX_PER_IP: '100000000',
  };
}

export interface DownstreamOptions {
  authUrl: string;
  stream: string;
  logDir: string;
  database: (purpose: string) => Promise<string>;
}

/**
 * catalog, orders and billing from their dist, when they are built: the propagation
 * measurement wants the real services, wired to each other as the stack list says. Returns an
 * empty list when any of them is missing.
 */
export async function startDownstream(options: DownstreamOptions): Promise<ServiceProcess[]> {
  const downstream = SERVICES.filter((s) => s !== AUTH);
  if (!downstream.every((s) => existsSync(path.join(REPO_ROOT, s.main)))) return [];
  const ports: Record<string, number> = { auth: Number(new URL(options.authUrl).port) };
  for (const s of downstream) ports[s.name] = await freePort();
  const urls = loopbackUrls(ports);
  const started = await Promise.allSettled(
    downstream.map(async (s) => {
      const databaseUrl = s.database ? await options.database(s.name) : undefined;
      const env = processEnv(s, {
        urls,
        common: commonEnv(ports[s.name], options.stream),
        databaseUrl,
      });
      return startNode({
        name: s.title,
        script: s.main,
        port: ports[s.name],
        logDir: options.logDir,
        readyPath: s.health,
        env: env as Record<string, string>,
      });
    }),
  );
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(services.map((s) => s.stop()));
    throw failed.reason;
  }
  return services;
}
