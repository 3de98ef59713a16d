import { hostileTokens, TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { PASSWORD, call, signUp, uniqueEmail } from './support/client';
import type { Login } from './support/client';
import { me } from './support/revocation';
import { ISSUER, Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const verbose = { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' };

/** Every secret a run handles must stay out of every log line of every service. */
describe('logs of a busy run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      env: {
        auth: { ...verbose, AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' },
        catalog: verbose,
        orders: verbose,
        billing: verbose,
      },
    });
  }, 90_000);
  afterAll(() => stack?.stop());

  it('never contain a password, an access token, a refresh token or its secret', async () => {
    const secrets: string[] = [PASSWORD];
    const email = uniqueEmail();
    const first: Login = await signUp(stack.auth.url, email);
    const cookieLogin = await fetch(`${stack.auth.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-mode': 'cookie' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    secrets.push(...cookieLogin.headers.getSetCookie().map((c) => c.split(';')[0].split('=')[1]));
    secrets.push(first.accessToken, first.refreshToken, first.refreshToken.split('.')[2]);
    const rotated = await call<Login>(`${stack.auth.url}/auth/refresh`, {
      body: { refreshToken: first.refreshToken },
    });
    secrets.push(rotated.body.accessToken, rotated.body.refreshToken);
    // Failures that get logged: wrong passwords up to the rate limit, reuse, a bad token flood.
    for (let i = 0; i < 4; i += 1)
      await call(`${stack.auth.url}/auth/login`, {
        body: { email, password: 'not my password 123' },
      });
    secrets.push('not my password 123');
    await call(`${stack.auth.url}/auth/refresh`, {
      body: { refreshToken: rotated.body.refreshToken },
    });
    const reused = await call(`${stack.auth.url}/auth/refresh`, {
      body: { refreshToken: first.refreshToken },
    });
    expect(reused.status).toBe(401);
    const signer = new TestTokenSigner(ISSUER, 'catalog-service');
    for (const { token } of hostileTokens(signer, 'catalog-service').slice(0, 40))
      await me(stack.catalog, token);
    const second = await signUp(stack.auth.url);
    secrets.push(second.accessToken);
    await call(`${stack.billing.url}/billing/summary`, { token: second.accessToken });
    await call(`${stack.auth.url}/auth/password`, {
      token: second.accessToken,
      body: { currentPassword: 'wrong current password', newPassword: 'a new secret password' },
    });
    secrets.push('wrong current password', 'a new secret password');

    const logs = [stack.auth, ...stack.downstream].flatMap((service) => service.logs);
    expect(logs.length).toBeGreaterThan(10);
    // The log does show that things happened: reuse detection and refused tokens.
    expect(logs.join('\n')).toMatch(/reuse detected/);
    expect(logs.join('\n')).toMatch(/access tokens refused/);
    for (const secret of secrets.filter((s) => s && s.length >= 8)) {
      const leaks = logs.filter((line) => line.includes(secret));
      expect(leaks).toEqual([]);
    }
  });
});
