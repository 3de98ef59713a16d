import { DEFAULT_REDIS_PREFIX, REDIS_PREFIX_PATTERN } from '@hybrid-auth/auth-guard';
import {
  EnvReader,
  readDatabaseUrl,
  readHttpConfig,
  readRedisConnection,
} from '@hybrid-auth/platform';
import type { HttpConfig, RedisConnection } from '@hybrid-auth/platform';
import { SECRETS_KEY_BYTES } from '../tokens/secret-box';
import { readCookies } from './cookie.config';
import type { CookieConfig } from './cookie.config';
import { readEmailConfig } from './email.config';
import type { EmailConfig } from './email.config';
import { readEventsConfig } from './events.config';
import type { EventsConfig } from './events.config';
import { readWebAuthnConfig } from './webauthn.config';
import type { WebAuthnConfig } from './webauthn.config';
import { readOAuthConfig } from '../oauth/oauth.config';
import type { OAuthConfig } from '../oauth/oauth.config';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export interface AuthConfig {
  http: HttpConfig;
  production: boolean;
  databaseUrl: string;
  /** Revocation push and shared login limits; without it both fall back to this process alone. */
  /** REDIS_URL, or the sentinels of REDIS_SENTINELS; undefined without Redis. */
  redis: RedisConnection | undefined;
  issuer: string;
  /** The `aud` of every access token: the downstream services plus auth-service itself. */
  audiences: string[];
  /** auth-service's own audience, checked on its protected routes. */
  ownAudience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshReuseGrace: number;
  clockLeewaySeconds: number;
  signingKeysFile: string | undefined;
  /** How often the signing keys file is re-read, in seconds (0: only at start and on SIGHUP). */
  signingKeysReloadSeconds: number;
  jwksMaxAgeSeconds: number;
  /** base64url key for deriving rotated refresh tokens; generated and kept in the database when unset. */
  refreshTokenKey: Buffer | undefined;
  /** AUTH_SECRETS_KEY: encrypts the secrets kept in the database (32 bytes); clear text when unset. */
  secretsKey: Buffer | undefined;
  cookies: CookieConfig;
  bootstrapAdmin: { email: string; password: string } | undefined;
  loginThrottle: { maxPerAccount: number; maxPerIp: number; windowSeconds: number };
  /** Requests counted whatever their outcome: refresh and logout by refresh token, sign-ups. */
  requestThrottle: {
    refreshPerSession: number;
    refreshPerIp: number;
    refreshWindowSeconds: number;
    registerPerIp: number;
    registerWindowSeconds: number;
  };
  revocationStream: string;
  /** Starts every Redis key of this deployment (stream, epoch, marks, login counters). */
  redisPrefix: string;
  /**
   * Bearer secret of `GET /auth/internal/revocations`, the snapshot guards read while the
   * Redis stream cannot answer; the route answers 404 without it.
   */
  revocationsSecret: string | undefined;
  email: EmailConfig;
  /** The audit trail's retention and its webhooks. */
  events: EventsConfig;
  webauthn: WebAuthnConfig;
  oauth: OAuthConfig;
}

const PLACEHOLDERS = /^(change-?me|secret|password|test|example|placeholder|x+)$/i;
/** RFC 6265 cookie-name token: anything else makes every cookie-mode answer fail. */
export function loadAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  const read = new EnvReader(env);
  const production = read.raw('NODE_ENV') === 'production';
  const ownAudience = read.string('AUTH_OWN_AUDIENCE', 'auth-service');
  const audiences = read.list('AUTH_AUDIENCES', [
    'catalog-service',
    'orders-service',
    'billing-service',
  ]);
  if (audiences.length === 0) read.fail('AUTH_AUDIENCES must name at least one audience');
  const keyText = read.optionalString('AUTH_REFRESH_TOKEN_KEY');
  let refreshTokenKey: Buffer | undefined;
  if (keyText !== undefined) {
    refreshTokenKey = Buffer.from(keyText, 'base64url');
    if (refreshTokenKey.length < 32 || PLACEHOLDERS.test(keyText)) {
      read.fail('AUTH_REFRESH_TOKEN_KEY must be at least 32 random bytes, base64url-encoded');
    }
  }
  const secretsKey = readSecretsKey(read);
  const signingKeysFile = read.optionalString('AUTH_SIGNING_KEYS_FILE');
  // In production nothing auth-service generates may sit in clear in its database: the
  // signing key needs a key file or AUTH_SECRETS_KEY, the refresh-token key its own variable
  // or AUTH_SECRETS_KEY.
  if (production && !secretsKey && (!signingKeysFile || !refreshTokenKey)) {
    read.fail(
      'AUTH_SECRETS_KEY is required in production (unless both AUTH_SIGNING_KEYS_FILE and ' +
        'AUTH_REFRESH_TOKEN_KEY are set): without it, a generated key would be stored in clear ' +
        'in the database',
    );
  }
  const adminEmail = read.optionalString('AUTH_BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = read.optionalString('AUTH_BOOTSTRAP_ADMIN_PASSWORD');
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    read.fail('AUTH_BOOTSTRAP_ADMIN_EMAIL must be an email address');
  }
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    read.fail('AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (adminPassword !== undefined && (adminPassword.length < 8 || adminPassword.length > 128)) {
    read.fail('AUTH_BOOTSTRAP_ADMIN_PASSWORD must be 8 to 128 characters');
  }
  if (production && adminPassword !== undefined && PLACEHOLDERS.test(adminPassword)) {
    read.fail('AUTH_BOOTSTRAP_ADMIN_PASSWORD is a placeholder; refusing to start in production');
  }
  const revocationsSecret = read.optionalString('AUTH_REVOCATIONS_SECRET');
  if (
    revocationsSecret !== undefined &&
    (revocationsSecret.length < 32 || PLACEHOLDERS.test(revocationsSecret))
  ) {
    read.fail('AUTH_REVOCATIONS_SECRET must be at least 32 random characters');
  }
  const email = readEmailConfig(read);
  const http = readHttpConfig(read, 3000);
  const config: AuthConfig = {
    http,
    production,
    databaseUrl: readDatabaseUrl(read),
    redis: readRedisConnection(read),
    issuer: read.string('AUTH_ISSUER', 'hybrid-auth'),
    audiences: [...new Set([...audiences, ownAudience])],
    ownAudience,
    accessTokenTtl: read.int('AUTH_ACCESS_TOKEN_TTL', { default: 900, min: 30, max: 86_400 }),
    refreshTokenTtl: read.int('AUTH_REFRESH_TOKEN_TTL', {
      default: 2_592_000,
      min: 60,
      max: 31_536_000,
    }),
    refreshReuseGrace: read.int('AUTH_REFRESH_REUSE_GRACE', { default: 10, min: 0, max: 300 }),
    clockLeewaySeconds: read.int('AUTH_CLOCK_LEEWAY', { default: 30, min: 0, max: 60 }),
    signingKeysFile,
    signingKeysReloadSeconds: read.int('AUTH_SIGNING_KEYS_RELOAD', {
      default: 60,
      min: 0,
      max: 86_400,
    }),
    jwksMaxAgeSeconds: read.int('AUTH_JWKS_MAX_AGE', { default: 300, min: 0, max: 86_400 }),
    refreshTokenKey,
    secretsKey,
    cookies: readCookies(read),
    bootstrapAdmin:
      adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    loginThrottle: {
      maxPerAccount: read.int('AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT', { default: 10, min: 1 }),
      maxPerIp: read.int('AUTH_LOGIN_MAX_FAILURES_PER_IP', { default: 100, min: 1 }),
      windowSeconds: read.int('AUTH_LOGIN_THROTTLE_WINDOW', { default: 900, min: 1 }),
    },
    requestThrottle: readRequestThrottle(read),
    revocationStream: read.string('AUTH_REVOCATION_STREAM', 'auth:revocations'),
    redisPrefix: read.string('AUTH_REDIS_PREFIX', DEFAULT_REDIS_PREFIX),
    revocationsSecret,
    email,
    events: readEventsConfig(read, production),
    webauthn: readWebAuthnConfig(read, email.publicUrl),
    oauth: readOAuthConfig(read, http.port),
  };
  if (!REDIS_PREFIX_PATTERN.test(config.redisPrefix)) {
    read.fail('AUTH_REDIS_PREFIX must be letters, digits, _ . - ending in ":" (e.g. hybrid-auth:)');
  }
  if (production && !config.cookies.secure) {
    read.fail('AUTH_COOKIE_SECURE=false is for plain-http development; refusing in production');
  }
  read.done();
  return config;
}

/** AUTH_SECRETS_KEY: exactly 32 bytes, base64url (`openssl rand -base64 32 | tr '+/' '-_' | tr -d =`). */
function readSecretsKey(read: EnvReader): Buffer | undefined {
  const text = read.optionalString('AUTH_SECRETS_KEY');
  if (text === undefined) return undefined;
  const key = Buffer.from(text, 'base64url');
  if (
    !/^[A-Za-z0-9_-]+={0,2}$/.test(text) ||
    key.length !== SECRETS_KEY_BYTES ||
    PLACEHOLDERS.test(text)
  ) {
    read.fail('AUTH_SECRETS_KEY must be 32 random bytes, base64url-encoded (43 characters)');
    return undefined;
  }
  return key;
}

/**
 * Defaults no legitimate client comes near. A client refreshes once per access-token lifetime
 * (15 min), a few times more with racing tabs or retries: 60 a minute per session is hundreds
 * of times that, and still stops a loop hammering one session's row lock. 600 a minute per
 * address lets thousands of users behind one NAT refresh. 20 sign-ups per 10 minutes per
 * address covers a household or an office; a sign-up costs an argon2 hash, the dearest thing
 * an anonymous caller can ask for.
 */
function readRequestThrottle(read: EnvReader): AuthConfig['requestThrottle'] {
  return {
    refreshPerSession: read.int('AUTH_REFRESH_MAX_PER_SESSION', { default: 60, min: 1 }),
    refreshPerIp: read.int('AUTH_REFRESH_MAX_PER_IP', { default: 600, min: 1 }),
    refreshWindowSeconds: read.int('AUTH_REFRESH_THROTTLE_WINDOW', {
      default: 60,
      min: 1,
      max: 86_400,
    }),
    registerPerIp: read.int('AUTH_REGISTER_MAX_PER_IP', { default: 20, min: 1 }),
    registerWindowSeconds: read.int('AUTH_REGISTER_THROTTLE_WINDOW', {
      default: 600,
      min: 1,
      max: 86_400,
    }),
  };
}
