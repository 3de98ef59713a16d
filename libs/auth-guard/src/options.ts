import type { KeySource } from './keys/key-source';
import type { PublicJwk } from './keys/jwk';
import type { RevocationFeedOptions } from './revocation/revocation-feed';
import { DEFAULTS, MAX_CLOCK_LEEWAY_SECONDS } from './constants';
import { accessCookieName, hasCookiePrefix } from './verification/token-extractor';
import { REDIS_PREFIX_PATTERN } from './revocation/protocol';

export interface AuthGuardModuleOptions {
  /** The `iss` every token must carry. */
  issuer: string;
  /** This service's audience name; tokens whose `aud` lacks it are refused. */
  audience: string;
  /** Where auth-service publishes its public keys (`…/.well-known/jwks.json`). */
  jwksUrl?: string;
  /** Static public keys instead of a JWKS URL (tests, air-gapped setups). */
  keys?: PublicJwk[];
  /** A custom key source (auth-service uses its own signing keys). */
  keySource?: KeySource;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (0-60, default 30). */
  clockLeewaySeconds?: number;
  /**
   * The longest access-token lifetime accepted (`exp - iat`), in seconds. Must be at least
   * auth-service's `AUTH_ACCESS_TOKEN_TTL`; revocation news is kept this long (+ leeway).
   */
  maxTokenLifetimeSeconds?: number;
  /**
   * Name of the cookie browsers send the access token in (default `access_token`), without a
   * prefix; null disables cookies. With `secureCookie` (the default) the cookie read is
   * `__Host-<name>`, the one auth-service sets over https.
   */
  cookieName?: string | null;
  /**
   * Whether auth-service sets Secure cookies (its AUTH_COOKIE_SECURE, default true): the access
   * cookie is then `__Host-` prefixed, and the bare name is ignored. false only for plain-http
   * development.
   */
  secureCookie?: boolean;
  /** How many verified tokens to remember (default 10 000). */
  cacheSize?: number;
  /** JWKS fetching: refresh period, unknown-`kid` refetch cooldown, request timeout. */
  jwks?: {
    refreshIntervalSeconds?: number;
    unknownKidCooldownSeconds?: number;
    timeoutMs?: number;
  };
  /**
   * Revocation news: pushed through Redis, with auth-service's snapshot as a fallback (or
   * alone, polled); without it only signatures and expiry are enforced.
   */
  revocation?: RevocationFeedOptions;
  /** Treat every route as `@Strict()` (refuse when revocation news may be stale). */
  strict?: boolean;
  /** Milliseconds since the epoch; injectable so tests can freeze time. */
  clock?: () => number;
}

export type NormalizedOptions = Required<
  Pick<
    AuthGuardModuleOptions,
    | 'issuer'
    | 'audience'
    | 'clockLeewaySeconds'
    | 'maxTokenLifetimeSeconds'
    | 'cacheSize'
    | 'strict'
    | 'clock'
  >
> &
  Pick<AuthGuardModuleOptions, 'jwksUrl' | 'keys' | 'keySource' | 'revocation'> & {
    /** The access cookie's full name, prefix included. */
    cookieName: string | null;
    jwks: { refreshIntervalSeconds: number; unknownKidCooldownSeconds: number; timeoutMs: number };
  };

/** Checks the options once at start, so a misconfigured service fails loudly at boot. */
export function normalizeOptions(options: AuthGuardModuleOptions): NormalizedOptions {
  const problems: string[] = [];
  if (!options.issuer) problems.push('issuer is required');
  if (!options.audience) problems.push('audience is required');
  const sources = [options.jwksUrl, options.keys, options.keySource].filter((s) => s !== undefined);
  if (sources.length !== 1) problems.push('exactly one of jwksUrl, keys or keySource is required');
  const leeway = options.clockLeewaySeconds ?? DEFAULTS.clockLeewaySeconds;
  if (!(leeway >= 0 && leeway <= MAX_CLOCK_LEEWAY_SECONDS)) {
    problems.push(`clockLeewaySeconds must be between 0 and ${MAX_CLOCK_LEEWAY_SECONDS}`);
  }
  const lifetime = options.maxTokenLifetimeSeconds ?? DEFAULTS.maxTokenLifetimeSeconds;
  if (!(lifetime > 0)) problems.push('maxTokenLifetimeSeconds must be positive');
  if (options.cookieName && hasCookiePrefix(options.cookieName)) {
    problems.push('cookieName must not carry a __Host- or __Secure- prefix: secureCookie adds it');
  }
  if (options.strict && !options.revocation) problems.push('strict needs a revocation feed');
  if (options.revocation && !options.revocation.redis && !options.revocation.fallback) {
    problems.push('revocation needs redis, a fallback, or both');
  }
  const prefix = options.revocation?.keyPrefix;
  if (prefix !== undefined && !REDIS_PREFIX_PATTERN.test(prefix)) {
    problems.push(
      'revocation.keyPrefix must be one segment of letters, digits, _ . - ending in ":"',
    );
  }
  if (problems.length > 0) {
    throw new Error(`Invalid AuthGuardModule options: ${problems.join('; ')}`);
  }
  return {
    issuer: options.issuer,
    audience: options.audience,
    jwksUrl: options.jwksUrl,
    keys: options.keys,
    keySource: options.keySource,
    clockLeewaySeconds: leeway,
    maxTokenLifetimeSeconds: lifetime,
    cookieName:
      options.cookieName === null
        ? null
        : accessCookieName(options.cookieName ?? DEFAULTS.cookieName, options.secureCookie ?? true),
    cacheSize: options.cacheSize ?? DEFAULTS.cacheSize,
    jwks: {
      refreshIntervalSeconds:
        options.jwks?.refreshIntervalSeconds ?? DEFAULTS.jwksRefreshIntervalSeconds,
      unknownKidCooldownSeconds:
        options.jwks?.unknownKidCooldownSeconds ?? DEFAULTS.jwksUnknownKidCooldownSeconds,
      timeoutMs: options.jwks?.timeoutMs ?? DEFAULTS.jwksTimeoutMs,
    },
    revocation: options.revocation,
    strict: options.strict ?? false,
    clock: options.clock ?? Date.now,
  };
}
