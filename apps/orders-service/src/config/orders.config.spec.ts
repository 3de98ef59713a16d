import { ConfigError } from '@hybrid-auth/platform';
import { loadOrdersConfig } from './orders.config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/orders';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadOrdersConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadOrdersConfig', () => {
  it('applies the defaults: port 3002, audience orders-service, catalog on port 3001 with a 2 s timeout', () => {
    const config = loadOrdersConfig({ DATABASE_URL });
    expect(config.http.port).toBe(3002);
    expect(config.guard).toMatchObject({ audience: 'orders-service', strict: false });
    expect(config.catalog).toEqual({ url: 'http://127.0.0.1:3001', timeoutMs: 2000 });
    expect(config.orderRateLimit).toEqual({ points: 30, windowSeconds: 60 });
    expect(config.redis).toBeUndefined();
  });

  it('takes the order rate limit from ORDERS_RATE_LIMIT and ORDERS_RATE_WINDOW, and Redis from REDIS_URL', () => {
    const config = loadOrdersConfig({
      DATABASE_URL,
      ORDERS_RATE_LIMIT: '5',
      ORDERS_RATE_WINDOW: '10',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.orderRateLimit).toEqual({ points: 5, windowSeconds: 10 });
    expect(config.redis).toBe('redis://127.0.0.1:6379');
  });

  it('drops trailing slashes from CATALOG_URL so paths join cleanly', () => {
    const config = loadOrdersConfig({ DATABASE_URL, CATALOG_URL: 'http://catalog:3001/' });
    expect(config.catalog.url).toBe('http://catalog:3001');
  });

  it('names DATABASE_URL when it is missing: orders live in a database of their own', () => {
    expect(problemsOf({})).toEqual(['DATABASE_URL is required']);
  });

  it.each([
    ['CATALOG_URL', 'catalog:3001'],
    ['CATALOG_URL', 'ftp://catalog'],
    ['CATALOG_TIMEOUT_MS', 'soon'],
    ['CATALOG_TIMEOUT_MS', '10'],
    ['AUTH_STRICT', 'maybe'],
    ['ORDERS_RATE_LIMIT', '0'],
    ['ORDERS_RATE_WINDOW', 'a minute'],
  ])('names %s when it is %p', (name, value) => {
    const problems = problemsOf({ DATABASE_URL, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('refuses to be strict without a revocation feed, naming REDIS_URL', () => {
    expect(problemsOf({ DATABASE_URL, AUTH_STRICT: 'true' })).toEqual([
      'REDIS_URL or REDIS_SENTINELS (or AUTH_REVOCATIONS_SECRET) is required by a strict service (AUTH_STRICT=true)',
    ]);
  });
});
