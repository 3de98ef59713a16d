import { ConfigError, EnvReader } from './env-reader';
import { readGuardConfig } from './guard-config';

const SECRET = 'feed-secret-0123456789abcdefghijklmnop';

function read(env: Record<string, string>) {
  const reader = new EnvReader(env);
  const config = readGuardConfig(reader, { audience: 'catalog-service' });
  reader.done();
  return config;
}
const problemsOf = (env: Record<string, string>): string => {
  try {
    read(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('accepted');
};

describe('readGuardConfig', () => {
  describe('in production (NODE_ENV=production)', () => {
    const PROD = { NODE_ENV: 'production', AUTH_REVOCATIONS_SECRET: SECRET };

    it('refuses plain-http JWKS and snapshot URLs, naming each variable', () => {
      const problems = problemsOf({
        ...PROD,
        AUTH_JWKS_URL: 'http://auth.internal/.well-known/jwks.json',
      });
      expect(problems).toContain('AUTH_JWKS_URL is plain http');
      // Derived from the JWKS URL unless given: plain http as well.
      expect(problems).toContain('AUTH_REVOCATIONS_URL is plain http');
      expect(
        problemsOf({
          ...PROD,
          AUTH_JWKS_URL: 'https://auth.example/.well-known/jwks.json',
          AUTH_REVOCATIONS_URL: 'HTTP://auth.internal/auth/internal/revocations',
        }),
      ).toMatch(/^AUTH_REVOCATIONS_URL is plain http/);
    });

    it('refuses the default http://127.0.0.1 JWKS URL too', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toContain('AUTH_JWKS_URL is plain http');
    });

    it('accepts https, or http with AUTH_ALLOW_INSECURE_HTTP=true', () => {
      const https = read({ ...PROD, AUTH_JWKS_URL: 'https://auth.example/.well-known/jwks.json' });
      expect(https.revocation?.fallback?.url).toBe(
        'https://auth.example/auth/internal/revocations',
      );
      const allowed = read({
        ...PROD,
        AUTH_JWKS_URL: 'http://auth.internal/.well-known/jwks.json',
        AUTH_ALLOW_INSECURE_HTTP: 'true',
      });
      expect(allowed.jwksUrl).toBe('http://auth.internal/.well-known/jwks.json');
    });
  });

  it('accepts plain http outside production (development, tests)', () => {
    expect(read({ AUTH_JWKS_URL: 'http://127.0.0.1:3000/.well-known/jwks.json' }).jwksUrl).toBe(
      'http://127.0.0.1:3000/.well-known/jwks.json',
    );
  });

  it('reads the __Host- access cookie unless AUTH_COOKIE_SECURE=false', () => {
    expect(read({}).secureCookie).toBe(true);
    expect(read({ AUTH_COOKIE_SECURE: 'false' }).secureCookie).toBe(false);
    expect(problemsOf({ AUTH_ACCESS_COOKIE: '__Host-at' })).toContain('AUTH_ACCESS_COOKIE');
  });
});
