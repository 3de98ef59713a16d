import type { AuthGuardModuleOptions } from '@hybrid-auth/auth-guard';
import type { EnvReader } from './env-reader';

/**
 * The guard settings of a downstream service, from the variables of API.md:
 * AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL, REDIS_URL, plus the longest token lifetime
 * (AUTH_ACCESS_TOKEN_TTL, as configured on auth-service), the clock leeway, the access
 * cookie name, the JWKS refresh interval and, for strict services, the staleness budget.
 */
export function readGuardConfig(
  read: EnvReader,
  defaults: { audience: string; strict?: boolean },
): AuthGuardModuleOptions & { redisUrl: string | undefined } {
  const redisUrl = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']);
  const strict = read.bool('AUTH_STRICT', defaults.strict ?? false);
  if (strict && !redisUrl)
    read.fail('REDIS_URL is required by a strict service (AUTH_STRICT=true)');
  return {
    issuer: read.string('AUTH_ISSUER', 'hybrid-auth'),
    audience: read.string('AUTH_AUDIENCE', defaults.audience),
    jwksUrl: read.url(
      'AUTH_JWKS_URL',
      ['http:', 'https:'],
      'http://127.0.0.1:3000/.well-known/jwks.json',
    ),
    maxTokenLifetimeSeconds: read.int('AUTH_ACCESS_TOKEN_TTL', {
      default: 900,
      min: 30,
      max: 86_400,
    }),
    clockLeewaySeconds: read.int('AUTH_CLOCK_LEEWAY', { default: 30, min: 0, max: 60 }),
    cookieName: read.string('AUTH_ACCESS_COOKIE', 'access_token'),
    // How often the public keys are refetched: after a key is added, it may sign only once
    // every guard has refetched (see README, "Rotate signing keys").
    jwks: {
      refreshIntervalSeconds: read.int('AUTH_JWKS_REFRESH_SECONDS', {
        default: 300,
        min: 1,
        max: 86_400,
      }),
    },
    strict,
    redisUrl,
    revocation: redisUrl
      ? {
          redis: redisUrl,
          streamKey: read.string('AUTH_REVOCATION_STREAM', 'auth:revocations'),
          strictBudgetMs: read.int('AUTH_STRICT_BUDGET_MS', {
            default: 10_000,
            min: 100,
            max: 3_600_000,
          }),
        }
      : undefined,
  };
}
