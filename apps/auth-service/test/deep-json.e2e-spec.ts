import { Logger } from '@nestjs/common';
import { PasswordHasher } from '../src/users/password-hasher';
import { PASSWORD, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { expectError } from './expectations';

/** 8,000 `[` then 8,000 `]`: 16 kB, under the body limit, deep enough to overflow the stack. */
const DEEP = '['.repeat(8000) + ']'.repeat(8000);

describe('deeply nested JSON bodies', () => {
  let t: AuthTestApp;
  let errors: jest.SpyInstance;
  let verify: jest.SpyInstance;
  let hash: jest.SpyInstance;
  beforeAll(async () => {
    // A small per-IP budget: a refused body that were counted as a failed login would show.
    t = await startAuthApp({ AUTH_LOGIN_MAX_FAILURES_PER_IP: '3' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
    verify = jest.spyOn(PasswordHasher.prototype, 'verify');
    hash = jest.spyOn(PasswordHasher.prototype, 'hash');
  });
  afterEach(() => jest.restoreAllMocks());

  const post = (path: string, body: string) =>
    t.http().post(path).set('content-type', 'application/json').send(body);

  it.each(['/auth/login', '/auth/register', '/auth/refresh'])(
    'answers %s with 400 validation_failed before any password work, logging no error',
    async (path) => {
      const nested = [DEEP, `{"email":"${uniqueEmail()}","password":${DEEP}}`];
      for (const body of nested) {
        const res = await post(path, body);
        expectError(res, 400, 'validation_failed');
        expect(res.body.details).toEqual([
          { field: '(body)', problems: [expect.stringContaining('32 levels')] },
        ]);
      }
      expect(errors).not.toHaveBeenCalled();
      expect(verify).not.toHaveBeenCalled();
      expect(hash).not.toHaveBeenCalled();
    },
  );

  it('does not count refused bodies as failed logins', async () => {
    const { user } = await signUpAndLogin(t);
    for (let i = 0; i < 10; i++) {
      expectError(await post('/auth/login', DEEP), 400, 'validation_failed');
    }
    const res = await post(
      '/auth/login',
      JSON.stringify({ email: user.email, password: PASSWORD }),
    );
    expect(res.status).toBe(200);
  });

  it('still takes bodies of ordinary depth: a wrong password goes through argon2 as before', async () => {
    const res = await post(
      '/auth/login',
      JSON.stringify({ email: uniqueEmail(), password: 'x'.repeat(12) }),
    );
    expectError(res, 401, 'invalid_credentials');
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
