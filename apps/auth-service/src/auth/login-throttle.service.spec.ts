import { ApiError, MetricsService } from '@hybrid-auth/platform';
import { loadAuthConfig } from '../config/auth.config';
import type { Clock } from '../clock';
import { AuthMetrics } from '../metrics/auth-metrics';
import { LoginThrottleService } from './login-throttle.service';

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
  return {
    service: new LoginThrottleService(config, null, clock, new AuthMetrics(new MetricsService())),
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

describe('LoginThrottleService without Redis', () => {
  it('allows an account up to its limit, then answers 429 rate_limited with Retry-After', async () => {
    const { service, advance } = throttle({ account: 3, ip: 100, window: 60 });
    for (let i = 0; i < 3; i += 1) {
      await service.assertAllowed('a@example.com', `10.0.0.${i}`);
      await service.recordFailure('a@example.com', `10.0.0.${i}`);
    }
    advance(15);
    const error = await refusal(service.assertAllowed('a@example.com', '10.0.0.9'));
    expect(error.getStatus()).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.headers).toEqual({ 'retry-after': '45' });
    await service.assertAllowed('b@example.com', '10.0.0.9');
  });

  it('limits one address across accounts', async () => {
    const { service } = throttle({ account: 100, ip: 2, window: 60 });
    await service.recordFailure('a@example.com', '10.0.0.1');
    await service.recordFailure('b@example.com', '10.0.0.1');
    const error = await refusal(service.assertAllowed('c@example.com', '10.0.0.1'));
    expect(error.code).toBe('rate_limited');
    await service.assertAllowed('c@example.com', '10.0.0.2');
  });

  it('forgets failures once the window has passed', async () => {
    const { service, advance } = throttle({ account: 1, ip: 1, window: 60 });
    await service.recordFailure('a@example.com', '10.0.0.1');
    await refusal(service.assertAllowed('a@example.com', '10.0.0.1'));
    advance(60);
    await service.assertAllowed('a@example.com', '10.0.0.1');
  });

  it("clears an account's failures on success, but not its address's", async () => {
    const { service } = throttle({ account: 2, ip: 2, window: 60 });
    await service.recordFailure('a@example.com', '10.0.0.1');
    await service.recordSuccess('a@example.com');
    await service.recordFailure('a@example.com', '10.0.0.2');
    await service.assertAllowed('a@example.com', '10.0.0.3');
    await service.recordFailure('b@example.com', '10.0.0.1');
    await refusal(service.assertAllowed('c@example.com', '10.0.0.1'));
  });
});
