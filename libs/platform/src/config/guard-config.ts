import type { AuthGuardModuleOptions } from '@hybrid-auth/auth-guard';
import type { EnvReader } from './env-reader';

/**
 * The guard settings of a downstream service, from the variables of docs/api.md:
 * AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL, REDIS_URL, plus the longest token lifetime
 * (AUTH_ACCESS_TOKEN_TTL, as configured on auth-service), the clock leeway, the access
 * cookie name, the JWKS refresh interval, for strict services the staleness budget, and
 * the snapshot fallback (AUTH_REVOCATIONS_SECRET, AUTH_REVOCATIONS_URL) used while the
 * Redis stream cannot answer, or instead of it without Redis.
 */
export function readGuardConfig(
  read: EnvReader,
  defaults: { audience: string; strict?: boolean },
): AuthGuardModuleOptions {
  const redisUrl = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']);
  const strict = read.bool('AUTH_STRICT', defaults.strict ?? false);
  const jwksUrl = read.url(
    'AUTH_JWKS_URL',
    ['http:', 'https:'],
    'http://127.0.0.1:3000/.well-known/jwks.json',
  );
  const secret = read.optionalString('AUTH_REVOCATIONS_SECRET');
  if (secret !== undefined && secret.length < 32)
    read.fail('AUTH_REVOCATIONS_SECRET must be at least 32 random characters');
  const fallback = secret
    ? {
        secret,
        url: read.url(
          'AUTH_REVOCATIONS_URL',
          ['http:', 'https:'],
          // Beside the JWKS, on auth-service.
          URL.canParse(jwksUrl) ? new URL('/auth/internal/revocations', jwksUrl).href : undefined,
        ),
      }
    : undefined;
  if (strict && !redisUrl && !fallback)
    read.fail(
      'REDIS_URL (or AUTH_REVOCATIONS_SECRET) is required by a strict service (AUTH_STRICT=true)',
    );
  return {
    issuer: read.string('AUTH_ISSUER', 'hybrid-auth'),
    audience: read.string('AUTH_AUDIENCE', defaults.audience),
    jwksUrl,
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
    revocation:
      redisUrl || fallback
        ? {
            redis: redisUrl,
            fallback,
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
