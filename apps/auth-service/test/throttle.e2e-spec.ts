import { PASSWORD, bearer, randomIp, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';

const LIMITS = {
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
  AUTH_LOGIN_MAX_FAILURES_PER_IP: '5',
  AUTH_LOGIN_THROTTLE_WINDOW: '600',
};

async function registered(t: AuthTestApp): Promise<string> {
  const email = uniqueEmail();
  await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
  return email;
}

function expectRateLimited(res: Awaited<ReturnType<typeof login>>, windowSeconds: number): void {
  expectError(res, 429, 'rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe('failed-login throttling', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp(LIMITS);
  });
  afterAll(() => t.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('answers 429 rate_limited with Retry-After once an account has too many failures', async () => {
    const email = await registered(t);
    for (let i = 0; i < 3; i += 1) {
      expectError(await login(t, email, 'wrong', from(randomIp())), 401, 'invalid_credentials');
    }
    expectRateLimited(await login(t, email, 'wrong', from(randomIp())), 600);
    // The right password does not get through either, from anywhere, until the window ends.
    expectRateLimited(await login(t, email, PASSWORD, from(randomIp())), 600);
    // Other accounts are not affected.
    await login(t, await registered(t), PASSWORD, from(randomIp())).expect(200);
  });

  it('counts failures for unknown emails like any other account', async () => {
    const email = uniqueEmail('nobody');
    for (let i = 0; i < 3; i += 1) {
      expectError(await login(t, email, 'wrong', from(randomIp())), 401, 'invalid_credentials');
    }
    expectRateLimited(await login(t, email.toUpperCase(), 'wrong', from(randomIp())), 600);
  });

  it('answers 429 once one client address has too many failures, across accounts', async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i += 1) {
      expectError(await login(t, uniqueEmail(), 'wrong', from(ip)), 401, 'invalid_credentials');
    }
    const email = await registered(t);
    expectRateLimited(await login(t, email, PASSWORD, from(ip)), 600);
    await login(t, email, PASSWORD, from(randomIp())).expect(200);
  });

  it('clears the failures of an account on a successful login', async () => {
    const email = await registered(t);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 2; i += 1) {
        expectError(await login(t, email, 'wrong', from(randomIp())), 401, 'invalid_credentials');
      }
      await login(t, email, PASSWORD, from(randomIp())).expect(200);
    }
  });

  it('throttles wrong current passwords on POST /auth/password too', async () => {
    const session = await signUpAndLogin(t);
    const change = () =>
      t
        .http()
        .post('/auth/password')
        .set(bearer(session.accessToken))
        .set(from(randomIp()))
        .send({ currentPassword: 'wrong', newPassword: 'a new password' });
    for (let i = 0; i < 3; i += 1) expectError(await change(), 401, 'invalid_credentials');
    expectRateLimited(await change(), 600);
  });

  it('shares the counts between replicas through Redis', async () => {
    const replica = await startAuthApp(LIMITS, { db: t.db });
    try {
      const email = await registered(t);
      for (const app of [t, replica, t]) {
        expectError(await login(app, email, 'wrong', from(randomIp())), 401, 'invalid_credentials');
      }
      expectRateLimited(await login(replica, email, PASSWORD, from(randomIp())), 600);
    } finally {
      await replica.close({ keepDatabase: true });
    }
  });
});

describe('failed-login throttling without Redis', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ ...LIMITS, REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t.close());

  it('still throttles, per process, and lets the account in again after the window', async () => {
    const email = await registered(t);
    for (let i = 0; i < 3; i += 1) {
      expectError(await login(t, email, 'wrong'), 401, 'invalid_credentials');
    }
    expectRateLimited(await login(t, email, PASSWORD), 600);
    t.clock.advance(601);
    await login(t, email, PASSWORD).expect(200);
  });
});
