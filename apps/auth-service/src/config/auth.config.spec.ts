import { ConfigError } from '@hybrid-auth/platform';
import { loadAuthConfig } from './auth.config';

const BASE = { DATABASE_URL: 'postgres://auth@db.internal:5432/auth' };

/** The ConfigError thrown for `env`, or a failure when the configuration is accepted. */
function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadAuthConfig({ ...BASE, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadAuthConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAuthConfig(BASE);
    expect(config).toMatchObject({
      production: false,
      databaseUrl: BASE.DATABASE_URL,
      redis: undefined,
      issuer: 'hybrid-auth',
      ownAudience: 'auth-service',
      accessTokenTtl: 900,
      refreshTokenTtl: 2_592_000,
      refreshReuseGrace: 10,
      clockLeewaySeconds: 30,
      signingKeysFile: undefined,
      refreshTokenKey: undefined,
      bootstrapAdmin: undefined,
      cookies: {
        secure: true,
        accessName: '__Host-access_token',
        refreshName: '__Secure-refresh_token',
      },
      loginThrottle: { maxPerAccount: 10, maxPerIp: 100, windowSeconds: 900 },
      requestThrottle: {
        refreshPerSession: 60,
        refreshPerIp: 600,
        refreshWindowSeconds: 60,
        registerPerIp: 20,
        registerWindowSeconds: 600,
      },
      revocationStream: 'auth:revocations',
      redisPrefix: 'hybrid-auth:',
    });
    expect(config.http.port).toBe(3000);
    expect(config.audiences).toEqual([
      'catalog-service',
      'orders-service',
      'billing-service',
      'auth-service',
    ]);
  });

  it('reads every variable it is given', () => {
    const key = Buffer.alloc(32, 1).toString('base64url');
    const config = loadAuthConfig({
      ...BASE,
      PORT: '4000',
      REDIS_URL: 'redis://cache:6379',
      AUTH_ISSUER: 'https://auth.example',
      AUTH_AUDIENCES: ' shop , orders ,auth-service',
      AUTH_ACCESS_TOKEN_TTL: '600',
      AUTH_REFRESH_TOKEN_TTL: '86400',
      AUTH_REFRESH_REUSE_GRACE: '0',
      AUTH_CLOCK_LEEWAY: '5',
      AUTH_SIGNING_KEYS_FILE: '/run/secrets/jwks.json',
      AUTH_REFRESH_TOKEN_KEY: key,
      AUTH_COOKIE_SECURE: 'false',
      AUTH_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'long enough password',
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '7',
      AUTH_LOGIN_THROTTLE_WINDOW: '60',
      AUTH_REFRESH_MAX_PER_SESSION: '5',
      AUTH_REFRESH_MAX_PER_IP: '50',
      AUTH_REFRESH_THROTTLE_WINDOW: '30',
      AUTH_REGISTER_MAX_PER_IP: '2',
      AUTH_REGISTER_THROTTLE_WINDOW: '3600',
      AUTH_REVOCATIONS_SECRET: 'feed-secret-0123456789abcdefghijklmnop',
    });
    expect(config).toMatchObject({
      redis: 'redis://cache:6379',
      issuer: 'https://auth.example',
      audiences: ['shop', 'orders', 'auth-service'],
      accessTokenTtl: 600,
      refreshTokenTtl: 86_400,
      refreshReuseGrace: 0,
      clockLeewaySeconds: 5,
      signingKeysFile: '/run/secrets/jwks.json',
      cookies: { secure: false, accessName: 'access_token', refreshName: 'refresh_token' },
      bootstrapAdmin: { email: 'root@example.com', password: 'long enough password' },
      loginThrottle: { maxPerAccount: 3, maxPerIp: 7, windowSeconds: 60 },
      requestThrottle: {
        refreshPerSession: 5,
        refreshPerIp: 50,
        refreshWindowSeconds: 30,
        registerPerIp: 2,
        registerWindowSeconds: 3600,
      },
      revocationsSecret: 'feed-secret-0123456789abcdefghijklmnop',
    });
    expect(config.http.port).toBe(4000);
    expect(config.refreshTokenKey).toEqual(Buffer.alloc(32, 1));
  });

  it('treats an empty variable as unset', () => {
    expect(loadAuthConfig({ ...BASE, AUTH_ACCESS_TOKEN_TTL: '', REDIS_URL: ' ' })).toMatchObject({
      accessTokenTtl: 900,
      redis: undefined,
    });
  });

  it.each([
    ['DATABASE_URL', undefined],
    ['DATABASE_URL', 'mysql://db/auth'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://cache:6379'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'verbose'],
    ['AUTH_ACCESS_TOKEN_TTL', 'soon'],
    ['AUTH_ACCESS_TOKEN_TTL', '1.5'],
    ['AUTH_ACCESS_TOKEN_TTL', '29'],
    ['AUTH_ACCESS_TOKEN_TTL', '86401'],
    ['AUTH_REFRESH_TOKEN_TTL', '59'],
    ['AUTH_REFRESH_REUSE_GRACE', '-1'],
    ['AUTH_REFRESH_REUSE_GRACE', '301'],
    ['AUTH_CLOCK_LEEWAY', '61'],
    ['AUTH_SIGNING_KEYS_RELOAD', 'hourly'],
    ['AUTH_JWKS_MAX_AGE', '-5'],
    ['AUTH_COOKIE_SECURE', 'maybe'],
    ['AUTH_ACCESS_COOKIE', 'access token'],
    ['AUTH_REFRESH_COOKIE', 'refresh;token'],
    ['AUTH_ACCESS_COOKIE', '__Host-access_token'],
    ['AUTH_REFRESH_COOKIE', '__Secure-refresh_token'],
    ['AUTH_COOKIE_DOMAIN', 'example.com'],
    ['AUTH_AUDIENCES', ' , '],
    ['AUTH_REFRESH_TOKEN_KEY', 'c2hvcnQ'],
    ['AUTH_REFRESH_TOKEN_KEY', 'x'.repeat(64)],
    ['AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT', '0'],
    ['AUTH_LOGIN_MAX_FAILURES_PER_IP', 'many'],
    ['AUTH_REFRESH_MAX_PER_SESSION', '0'],
    ['AUTH_REFRESH_MAX_PER_IP', '-5'],
    ['AUTH_REFRESH_THROTTLE_WINDOW', '86401'],
    ['AUTH_REGISTER_MAX_PER_IP', 'lots'],
    ['AUTH_REGISTER_THROTTLE_WINDOW', '0'],
    ['AUTH_LOGIN_THROTTLE_WINDOW', '0'],
    ['AUTH_REVOCATIONS_SECRET', 'short-secret'],
    ['AUTH_REVOCATIONS_SECRET', 'x'.repeat(40)],
    ['AUTH_SECRETS_KEY', Buffer.alloc(16, 3).toString('base64url')],
    ['AUTH_SECRETS_KEY', Buffer.alloc(48, 3).toString('base64url')],
    ['AUTH_SECRETS_KEY', 'x'.repeat(43)],
    ['AUTH_SECRETS_KEY', `${Buffer.alloc(32, 3).toString('base64url')}!`],
  ])('refuses %s=%j with a ConfigError naming it', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.join('\n')).toContain(name);
  });

  it('reads AUTH_SECRETS_KEY as 32 bytes of base64url', () => {
    const key = Buffer.alloc(32, 9);
    expect(
      loadAuthConfig({ ...BASE, AUTH_SECRETS_KEY: key.toString('base64url') }).secretsKey,
    ).toEqual(key);
    expect(loadAuthConfig(BASE).secretsKey).toBeUndefined();
  });

  it.each(['prod', 'a:b:', 'prod*:', 'my app:'])(
    'refuses AUTH_REDIS_PREFIX=%s (one segment ending in ":", no glob characters)',
    (prefix) => {
      expect(problemsOf({ AUTH_REDIS_PREFIX: prefix }).join()).toMatch(/AUTH_REDIS_PREFIX/);
    },
  );

  it('reads AUTH_REDIS_PREFIX', () => {
    expect(loadAuthConfig({ ...BASE, AUTH_REDIS_PREFIX: 'staging:' }).redisPrefix).toBe('staging:');
  });

  it('refuses the same name for the access and the refresh cookie', () => {
    const problems = problemsOf({ AUTH_ACCESS_COOKIE: 'token', AUTH_REFRESH_COOKIE: 'token' });
    expect(problems.join('\n')).toMatch(/AUTH_ACCESS_COOKIE.*AUTH_REFRESH_COOKIE/);
  });

  it.each([
    [{ AUTH_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' }, 'AUTH_BOOTSTRAP_ADMIN_PASSWORD'],
    [{ AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' }, 'AUTH_BOOTSTRAP_ADMIN_EMAIL'],
    [
      { AUTH_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com', AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'short' },
      'AUTH_BOOTSTRAP_ADMIN_PASSWORD',
    ],
    [
      { AUTH_BOOTSTRAP_ADMIN_EMAIL: 'root', AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' },
      'AUTH_BOOTSTRAP_ADMIN_EMAIL',
    ],
  ])('refuses an incomplete or invalid bootstrap admin %j', (env, name) => {
    expect(problemsOf(env).join('\n')).toContain(name);
  });

  it('reads the token endpoint settings, capped at the lifetimes the contract allows', () => {
    const config = loadAuthConfig({ ...BASE, PORT: '4000' });
    expect(config.oauth).toMatchObject({
      clientsFile: undefined,
      baseUrl: 'http://localhost:4000',
      tokenEndpoint: 'http://localhost:4000/auth/token',
      exchangeTtl: 60,
      clientTokenTtl: 300,
    });
    const set = loadAuthConfig({
      ...BASE,
      AUTH_BASE_URL: 'https://auth.example/',
      AUTH_EXCHANGE_TOKEN_TTL: '30',
    });
    expect(set.oauth.tokenEndpoint).toBe('https://auth.example/auth/token');
    expect(set.oauth.exchangeTtl).toBe(30);
    expect(problemsOf({ AUTH_EXCHANGE_TOKEN_TTL: '61' })).toEqual([
      expect.stringContaining('AUTH_EXCHANGE_TOKEN_TTL'),
    ]);
    expect(problemsOf({ AUTH_CLIENT_TOKEN_TTL: '301' })).toEqual([
      expect.stringContaining('AUTH_CLIENT_TOKEN_TTL'),
    ]);
  });

  it('names every wrong variable at once', () => {
    const problems = problemsOf({ AUTH_ACCESS_TOKEN_TTL: 'x', REDIS_URL: 'ftp://r', PORT: '-1' });
    expect(problems).toHaveLength(3);
    for (const name of ['AUTH_ACCESS_TOKEN_TTL', 'REDIS_URL', 'PORT']) {
      expect(problems.some((p) => p.includes(name))).toBe(true);
    }
  });

  describe('in production (NODE_ENV=production)', () => {
    const KEY = { AUTH_SECRETS_KEY: Buffer.alloc(32, 5).toString('base64url') };
    const PROD = { NODE_ENV: 'production', ...KEY };

    it('refuses to start when a generated key would be stored in clear', () => {
      const required = /AUTH_SECRETS_KEY is required in production/;
      expect(problemsOf({ NODE_ENV: 'production' }).join('\n')).toMatch(required);
      // A key file covers the signing key, not the refresh-token key.
      const withFile = { NODE_ENV: 'production', AUTH_SIGNING_KEYS_FILE: '/run/keys.json' };
      expect(problemsOf(withFile).join('\n')).toMatch(required);
      expect(loadAuthConfig({ ...BASE, NODE_ENV: 'production', ...KEY }).secretsKey).toBeDefined();
      const refreshKey = { AUTH_REFRESH_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64url') };
      expect(loadAuthConfig({ ...BASE, ...withFile, ...refreshKey }).production).toBe(true);
    });

    it('refuses AUTH_COOKIE_SECURE=false', () => {
      const problems = problemsOf({ ...PROD, AUTH_COOKIE_SECURE: 'false' });
      expect(problems.join('\n')).toContain('AUTH_COOKIE_SECURE');
    });

    it('refuses a placeholder bootstrap admin password', () => {
      const problems = problemsOf({
        ...PROD,
        AUTH_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
        AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'changeme',
      });
      expect(problems.join('\n')).toContain('AUTH_BOOTSTRAP_ADMIN_PASSWORD');
    });

    it('accepts a complete, real configuration', () => {
      expect(loadAuthConfig({ ...BASE, ...PROD }).production).toBe(true);
    });
  });
});
