import type { Response } from 'supertest';
import { PASSWORD, bearer, randomIp, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { expectError, login } from './expectations';

const LIMITS = {
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
  AUTH_LOGIN_MAX_FAILURES_PER_IP: '5',
  AUTH_LOGIN_THROTTLE_WINDOW: '600',
};
const PARALLEL = 60;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/**
 * Every answer is either the failure the limit allows or 429 with Retry-After; returns how
 * many of each. Counting before the work means parallel requests cannot slip past the limit.
 */
function tally(answers: Response[], code: string): { failed: number; limited: number } {
  let failed = 0;
  let limited = 0;
  for (const res of answers) {
    if (res.status === 429) {
      expectError(res, 429, 'rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      limited += 1;
    } else {
      expectError(res, 401, code);
      failed += 1;
    }
  }
  return { failed, limited };
}

function raceSuite(name: string, env: Record<string, string>) {
  describe(name, () => {
    let t: AuthTestApp;
    beforeAll(async () => {
      t = await startAuthApp({ ...LIMITS, ...env });
    });
    afterAll(() => t.close());

    const parallel = (send: (i: number) => Promise<Response>) =>
      Promise.all(Array.from({ length: PARALLEL }, (_, i) => send(i)));

    it(`lets at most the account limit of ${PARALLEL} parallel wrong passwords through`, async () => {
      const email = uniqueEmail();
      await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      const answers = await parallel(() => login(t, email, 'wrong password', from(randomIp())));
      const { failed, limited } = tally(answers, 'invalid_credentials');
      expect(failed).toBeLessThanOrEqual(3);
      expect(limited).toBeGreaterThanOrEqual(PARALLEL - 3);
    });

    it(`lets at most the address limit of ${PARALLEL} parallel failures through, across accounts`, async () => {
      const ip = randomIp();
      const answers = await parallel(() => login(t, uniqueEmail('nobody'), 'wrong', from(ip)));
      const { failed, limited } = tally(answers, 'invalid_credentials');
      expect(failed).toBeLessThanOrEqual(5);
      expect(limited).toBeGreaterThanOrEqual(PARALLEL - 5);
    });

    it(`lets at most the limit of ${PARALLEL} parallel wrong current passwords through on POST /auth/password`, async () => {
      const session = await signUpAndLogin(t);
      const answers = await parallel(() =>
        t
          .http()
          .post('/auth/password')
          .set(bearer(session.accessToken))
          .set(from(randomIp()))
          .send({ currentPassword: 'wrong password', newPassword: 'a new password' }),
      );
      const { failed } = tally(answers, 'invalid_credentials');
      expect(failed).toBeLessThanOrEqual(3);
    });
  });
}

raceSuite('failed-login throttling under parallel requests', {});
raceSuite('failed-login throttling under parallel requests, without Redis', {
  REDIS_URL: 'redis://127.0.0.1:1',
});
