import type { EnvReader } from './env-reader';

/** Settings every hybrid-auth service reads the same way. */
export interface HttpConfig {
  port: number;
  host: string;
  /** Proxies whose X-Forwarded-For is believed (Fastify `trustProxy`): false, or addresses/CIDRs. */
  trustProxy: false | string[];
  /** Origins allowed to send cross-origin state-changing requests (CSRF protection). */
  trustedOrigins: string[];
  bodyLimitBytes: number;
  logFormat: 'json' | 'pretty';
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** How long SIGTERM waits for in-flight requests before closing connections. */
  shutdownGraceMs: number;
}

export function readHttpConfig(env: EnvReader, defaultPort: number): HttpConfig {
  const trustProxy = env.list('HTTP_TRUST_PROXY', []);
  const trustedOrigins = env.list('HTTP_TRUSTED_ORIGINS', []);
  for (const origin of trustedOrigins) {
    if (!/^https?:\/\/[^/?#\s]+$/i.test(origin)) {
      env.fail(
        `HTTP_TRUSTED_ORIGINS must list origins like https://app.example.com, got "${origin}"`,
      );
    }
  }
  return {
    port: env.int('PORT', { default: defaultPort, min: 0, max: 65535 }),
    host: env.string('HTTP_HOST', '0.0.0.0'),
    trustProxy: trustProxy.length === 0 ? false : trustProxy,
    trustedOrigins,
    bodyLimitBytes: env.int('HTTP_BODY_LIMIT', {
      default: 16 * 1024,
      min: 1024,
      max: 10 * 1024 * 1024,
    }),
    logFormat: env.oneOf('LOG_FORMAT', ['json', 'pretty'], 'json'),
    logLevel: env.oneOf('LOG_LEVEL', ['error', 'warn', 'log', 'debug'], 'log'),
    shutdownGraceMs: env.int('HTTP_SHUTDOWN_GRACE_MS', { default: 10_000, min: 0, max: 120_000 }),
  };
}
