/** Metadata keys set by the decorators and read by the guards. */
export const IS_PUBLIC_KEY = 'hybrid-auth:public';
export const ROLES_KEY = 'hybrid-auth:roles';
export const STRICT_KEY = 'hybrid-auth:strict';
export const VERIFIED_EMAIL_KEY = 'hybrid-auth:verified-email';
export const AAL2_KEY = 'hybrid-auth:aal2';
export const FRESH_AUTH_KEY = 'hybrid-auth:fresh-auth';

/** The passport strategy name; each module instance registers it on its own Passport instance. */
export const HYBRID_JWT_STRATEGY = 'hybrid-jwt';

/** The only algorithm accepted; pinned, never read from configuration or from the token. */
export const ACCESS_TOKEN_ALG = 'ES256';
/** `typ` header of access tokens (RFC 9068); `application/at+jwt` is accepted as its long form. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const DEFAULTS = {
  clockLeewaySeconds: 30,
  maxTokenLifetimeSeconds: 900,
  cookieName: 'access_token',
  maxTokenLength: 4096,
  cacheSize: 10_000,
  jwksRefreshIntervalSeconds: 300,
  jwksUnknownKidCooldownSeconds: 30,
  jwksTimeoutMs: 2000,
  strictBudgetMs: 10_000,
} as const;

/** Upper bound on the leeway any verifier may allow (docs/api.md: at most 60 s). */
export const MAX_CLOCK_LEEWAY_SECONDS = 60;
