import { ConfigError } from '@hybrid-auth/platform';
import { loadBillingConfig } from './billing.config';

const REDIS_URL = 'redis://127.0.0.1:6379';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadBillingConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadBillingConfig', () => {
  it('is strict by default, on port 3003, asking orders-service on port 3002 with a 2 s timeout', () => {
    const config = loadBillingConfig({ REDIS_URL });
    expect(config.http.port).toBe(3003);
    expect(config.guard).toMatchObject({
      audience: 'billing-service',
      strict: true,
      revocation: {
        redis: REDIS_URL,
        streamKey: 'auth:revocations',
        keyPrefix: 'hybrid-auth:',
        strictBudgetMs: 10_000,
      },
    });
    expect(config.orders).toEqual({ url: 'http://127.0.0.1:3002', timeoutMs: 2000 });
  });

  it('names REDIS_URL and REDIS_SENTINELS when both are missing: a strict service needs the revocation feed', () => {
    expect(problemsOf({})).toEqual([
      'REDIS_URL or REDIS_SENTINELS (or AUTH_REVOCATIONS_SECRET) is required by a strict service (AUTH_STRICT=true)',
    ]);
  });

  const SECRET = 'a-random-feed-secret-0123456789abcdef';

  it('with AUTH_REVOCATIONS_SECRET, falls back to auth-service beside its JWKS', () => {
    const config = loadBillingConfig({
      REDIS_URL,
      AUTH_JWKS_URL: 'http://auth:3000/.well-known/jwks.json',
      AUTH_REVOCATIONS_SECRET: SECRET,
    });
    expect(config.guard.revocation).toMatchObject({
      redis: REDIS_URL,
      fallback: { url: 'http://auth:3000/auth/internal/revocations', secret: SECRET },
    });
  });

  it('stays strict without Redis when the snapshot feed is configured (polled instead)', () => {
    const config = loadBillingConfig({
      AUTH_REVOCATIONS_SECRET: SECRET,
      AUTH_REVOCATIONS_URL: 'https://auth.internal/auth/internal/revocations',
    });
    expect(config.guard.strict).toBe(true);
    expect(config.guard.revocation).toMatchObject({
      redis: undefined,
      fallback: { url: 'https://auth.internal/auth/internal/revocations', secret: SECRET },
    });
  });

  it.each([
    ['AUTH_REVOCATIONS_SECRET', 'too-short'],
    ['AUTH_REVOCATIONS_URL', 'file:///etc/passwd'],
  ])('names %s when it is %p', (name, value) => {
    const problems = problemsOf({ REDIS_URL, AUTH_REVOCATIONS_SECRET: SECRET, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('starts without Redis when strictness is turned off explicitly', () => {
    const config = loadBillingConfig({ AUTH_STRICT: 'false' });
    expect(config.guard.strict).toBe(false);
    expect(config.guard.revocation).toBeUndefined();
  });

  it('takes the staleness budget from AUTH_STRICT_BUDGET_MS', () => {
    const config = loadBillingConfig({ REDIS_URL, AUTH_STRICT_BUDGET_MS: '300' });
    expect(config.guard.revocation?.strictBudgetMs).toBe(300);
  });

  it.each([
    ['ORDERS_URL', 'orders:3002'],
    ['ORDERS_TIMEOUT_MS', '0'],
    ['AUTH_STRICT_BUDGET_MS', '10'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
  ])('names %s when it is %p', (name, value) => {
    const problems = problemsOf({ REDIS_URL, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });
});
