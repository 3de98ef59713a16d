import { ConfigError } from '@hybrid-auth/platform';
import { loadCatalogConfig } from './catalog.config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/catalog';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadCatalogConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadCatalogConfig', () => {
  it('applies the defaults of docs/api.md: port 3001, audience catalog-service, JWKS on auth-service', () => {
    const config = loadCatalogConfig({ DATABASE_URL });
    expect(config.http.port).toBe(3001);
    expect(config.databaseUrl).toBe(DATABASE_URL);
    expect(config.guard).toMatchObject({
      audience: 'catalog-service',
      jwksUrl: 'http://127.0.0.1:3000/.well-known/jwks.json',
      strict: false,
      revocation: undefined,
    });
  });

  it('follows the revocation stream when REDIS_URL is set', () => {
    const config = loadCatalogConfig({
      DATABASE_URL,
      REDIS_URL: 'redis://127.0.0.1:6379',
      AUTH_REVOCATION_STREAM: 'custom:revocations',
    });
    expect(config.guard.revocation).toMatchObject({
      redis: 'redis://127.0.0.1:6379',
      streamKey: 'custom:revocations',
    });
    expect(config.guard).not.toHaveProperty('redisUrl');
  });

  it('names DATABASE_URL when it is missing', () => {
    expect(problemsOf({})).toEqual(['DATABASE_URL is required']);
  });

  it('names every wrong variable at once', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://db/catalog',
      PORT: 'eighty',
      AUTH_JWKS_URL: 'ftp://auth/jwks.json',
      REDIS_URL: 'not a url',
    });
    expect(problems).toHaveLength(4);
    for (const name of ['DATABASE_URL', 'PORT', 'AUTH_JWKS_URL', 'REDIS_URL']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });
});
