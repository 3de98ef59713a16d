import {
  DEFAULT_REDIS_PREFIX,
  REDIS_PREFIX_PATTERN,
  ServiceTokens,
  hasCookiePrefix,
} from '@hybrid-auth/auth-guard';
import type { AuthGuardModuleOptions } from '@hybrid-auth/auth-guard';
import { readRedisConnection } from './redis-config';
import type { EnvReader } from './env-reader';
import { refusePlainHttp } from './plain-http';
import { readServiceClient } from './service-client-config';

/** The scope of the client-credentials token the revocation snapshot route accepts. */
export const REVOCATIONS_SCOPE = 'revocations:read';

/**
 * The snapshot's bearer: with a client key (AUTH_CLIENT_KEY_FILE), a client-credentials token
 * with scope `revocations:read`, cached by ServiceTokens; the secret when there is no key, or
 * when the token cannot be had (the client not registered for it) and a secret is set.
 */
function snapshotBearer(
  read: EnvReader,
  secret: string | undefined,
  client: { audience: string; issuer: string; jwksUrl: string },
): string | (() => Promise<string>) | undefined {
  const options = readServiceClient(read, { clientId: client.audience, ...client });
  if (!options) return secret;
  const tokens = new ServiceTokens(options);
  return async () => {
    try {
      return await tokens.clientCredentials(REVOCATIONS_SCOPE);
    } catch (error) {
      if (secret) return secret;
      throw error;
    }
  };
}

/**
 * The guard settings of a downstream service, from the variables of docs/api.md:
 * AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL, REDIS_URL (or REDIS_SENTINELS), plus the longest token lifetime
 * (AUTH_ACCESS_TOKEN_TTL, as configured on auth-service), the clock leeway, the access
 * cookie name, the JWKS refresh interval, for strict services the staleness budget, and
 * the snapshot fallback (AUTH_REVOCATIONS_SECRET, AUTH_REVOCATIONS_URL) used while the
 * Redis stream cannot answer, or instead of it without Redis, and the deployment's Redis key
 * prefix (AUTH_REDIS_PREFIX, the same as auth-service's).
 */
export function readGuardConfig(
  read: EnvReader,
  defaults: { audience: string; strict?: boolean },
): AuthGuardModuleOptions {
  const redis = readRedisConnection(read);
  const strict = read.bool('AUTH_STRICT', defaults.strict ?? false);
  const jwksUrl = read.url(
    'AUTH_JWKS_URL',
    ['http:', 'https:'],
    'http://127.0.0.1:3000/.well-known/jwks.json',
  );
  const secret = read.optionalString('AUTH_REVOCATIONS_SECRET');
  if (secret !== undefined && secret.length < 32)
    read.fail('AUTH_REVOCATIONS_SECRET must be at least 32 random characters');
  const issuer = read.string('AUTH_ISSUER', 'hybrid-auth');
  const audience = read.string('AUTH_AUDIENCE', defaults.audience);
  const bearer = snapshotBearer(read, secret, { audience, issuer, jwksUrl });
  const fallback = bearer
    ? {
        secret: bearer,
        url: read.url(
          'AUTH_REVOCATIONS_URL',
          ['http:', 'https:'],
          // Beside the JWKS, on auth-service.
          URL.canParse(jwksUrl) ? new URL('/auth/internal/revocations', jwksUrl).href : undefined,
        ),
      }
    : undefined;
  refusePlainHttp(read, { AUTH_JWKS_URL: jwksUrl, AUTH_REVOCATIONS_URL: fallback?.url });
  const keyPrefix = read.string('AUTH_REDIS_PREFIX', DEFAULT_REDIS_PREFIX);
  if (!REDIS_PREFIX_PATTERN.test(keyPrefix))
    read.fail('AUTH_REDIS_PREFIX must be letters, digits, _ . - ending in ":" (e.g. hybrid-auth:)');
  if (strict && !redis && !fallback)
    read.fail(
      'REDIS_URL or REDIS_SENTINELS (or AUTH_REVOCATIONS_SECRET) is required by a strict service (AUTH_STRICT=true)',
    );
  return {
    issuer,
    audience,
    jwksUrl,
    maxTokenLifetimeSeconds: read.int('AUTH_ACCESS_TOKEN_TTL', {
      default: 900,
      min: 30,
      max: 86_400,
    }),
    clockLeewaySeconds: read.int('AUTH_CLOCK_LEEWAY', { default: 30, min: 0, max: 60 }),
    cookieName: readCookieName(read),
    // Must match auth-service's: with Secure cookies the access cookie is __Host-<name>.
    secureCookie: read.bool('AUTH_COOKIE_SECURE', true),
    // How often the public keys are refetched: after a key is added, it may sign only once
    // every guard has refetched (see docs/operations.md, "Signing keys").
    jwks: {
      refreshIntervalSeconds: read.int('AUTH_JWKS_REFRESH_SECONDS', {
        default: 300,
        min: 1,
        max: 86_400,
      }),
    },
    strict,
    revocation:
      redis || fallback
        ? {
            redis,
            fallback,
            streamKey: read.string('AUTH_REVOCATION_STREAM', 'auth:revocations'),
            keyPrefix,
            strictBudgetMs: read.int('AUTH_STRICT_BUDGET_MS', {
              default: 10_000,
              min: 100,
              max: 3_600_000,
            }),
          }
        : undefined,
  };
}

/** AUTH_ACCESS_COOKIE, the bare name: the __Host- prefix follows from AUTH_COOKIE_SECURE. */
function readCookieName(read: EnvReader): string {
  const name = read.string('AUTH_ACCESS_COOKIE', 'access_token');
  if (hasCookiePrefix(name)) {
    read.fail(
      'AUTH_ACCESS_COOKIE is the bare name: the __Host- prefix is added for Secure cookies',
    );
  }
  return name;
}
