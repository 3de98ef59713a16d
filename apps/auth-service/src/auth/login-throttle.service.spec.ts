import { ApiError, MetricsService } from '@hybrid-auth/platform';
import { loadAuthConfig } from '../config/auth.config';
import type { Clock } from '../clock';
import { AuthMetrics } from '../metrics/auth-metrics';
import { LoginThrottleService } from './login-throttle.service';
import { RateLimiter } from './rate-limiter';

/** The per-process fallback (no Redis), with a clock the test moves. */
function throttle(limits: { account: number; ip: number; window: number }) {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const config = loadAuthConfig({
    DATABASE_URL: 'postgres://localhost/auth',
    AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: String(limits.account),
    AUTH_LOGIN_MAX_FAILURES_PER_IP: String(limits.ip),
    AUTH_LOGIN_THROTTLE_WINDOW: String(limits.window),
  });
  const limiter = new RateLimiter(null, clock, new AuthMetrics(new MetricsService()), {
    redisPrefix: 'hybrid-auth:',
  });
  return {
    service: new LoginThrottleService(config, limiter),
    advance: (seconds: number) => (now += seconds * 1000),
  };
}

async function refusal(check: Promise<void>): Promise<ApiError> {
  const error = await check.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** A failed sign-in as AuthService makes one: counted first, then the slow check. */
const failedLogin = (service: LoginThrottleService, account: string, ip: string) =>
  service.attempt(account, ip).then(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));

describe('LoginThrottleService without Redis', () => {
  it('allows an account up to its limit, then answers 429 rate_limited with Retry-After', async () => {
    const { service, advance } = throttle({ account: 3, ip: 100, window: 60 });
    for (let i = 0; i < 3; i += 1) await service.attempt('a@example.com', `10.0.0.${i}`);
    advance(15);
    const error = await refusal(service.attempt('a@example.com', '10.0.0.9'));
    expect(error.getStatus()).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.headers).toEqual({ 'retry-after': '45' });
    await service.attempt('b@example.com', '10.0.0.9');
  });

  it('lets at most the limit of 60 parallel attempts through, counting each before its check', async () => {
    const { service } = throttle({ account: 3, ip: 5, window: 60 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => failedLogin(service, 'a@example.com', `10.0.1.${i}`)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    const sameIp = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => failedLogin(service, `u${i}@example.com`, '10.0.2.1')),
    );
    expect(sameIp.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    for (const o of [...outcomes, ...sameIp]) {
      if (o.status === 'rejected') expect((o.reason as ApiError).code).toBe('rate_limited');
    }
  });

  it('limits one address across accounts', async () => {
    const { service } = throttle({ account: 100, ip: 2, window: 60 });
    await service.attempt('a@example.com', '10.0.0.1');
    await service.attempt('b@example.com', '10.0.0.1');
    const error = await refusal(service.attempt('c@example.com', '10.0.0.1'));
    expect(error.code).toBe('rate_limited');
    await service.attempt('c@example.com', '10.0.0.2');
  });

  it('forgets attempts once the window has passed', async () => {
    const { service, advance } = throttle({ account: 1, ip: 1, window: 60 });
    await service.attempt('a@example.com', '10.0.0.1');
    await refusal(service.attempt('a@example.com', '10.0.0.1'));
    advance(60);
    await service.attempt('a@example.com', '10.0.0.1');
  });

  it("clears an account's failures on success, and gives the address back only that attempt", async () => {
    const { service } = throttle({ account: 2, ip: 3, window: 60 });
    await service.attempt('a@example.com', '10.0.0.1');
    await service.attempt('a@example.com', '10.0.0.1');
    await service.succeeded('a@example.com', '10.0.0.1');
    // The account starts afresh; the address still holds its one failure.
    await service.attempt('a@example.com', '10.0.0.2');
    await service.attempt('a@example.com', '10.0.0.2');
    await service.attempt('b@example.com', '10.0.0.1');
    await service.attempt('c@example.com', '10.0.0.1');
    await refusal(service.attempt('d@example.com', '10.0.0.1'));
  });
});
