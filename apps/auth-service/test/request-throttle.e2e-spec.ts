import { randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { PASSWORD, randomIp, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { expectError } from './expectations';

const LIMITS = {
  AUTH_REFRESH_MAX_PER_SESSION: '4',
  AUTH_REFRESH_MAX_PER_IP: '6',
  AUTH_REFRESH_THROTTLE_WINDOW: '60',
  AUTH_REGISTER_MAX_PER_IP: '3',
  AUTH_REGISTER_THROTTLE_WINDOW: '600',
};
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const forgedFor = (sessionId: string) => `${sessionId}.0.${randomBytes(32).toString('base64url')}`;

function expectRateLimited(res: Response, windowSeconds: number): void {
  expectError(res, 429, 'rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

const statuses = (answers: Response[]) =>
  answers.reduce<Record<number, number>>((count, res) => {
    count[res.status] = (count[res.status] ?? 0) + 1;
    return count;
  }, {});

describe('throttles on refresh, logout and registration', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp(LIMITS);
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string, ip = randomIp()) =>
    t.http().post('/auth/refresh').set(from(ip)).send({ refreshToken });
  const logout = (refreshToken: string, ip = randomIp()) =>
    t.http().post('/auth/logout').set(from(ip)).send({ refreshToken });
  /** A new user's first session, each from its own address: registrations are limited too. */
  async function signUpAndLogin(): Promise<{ sessionId: string; refreshToken: string }> {
    const email = uniqueEmail();
    const ip = randomIp();
    await t.http().post('/auth/register').set(from(ip)).send({ email, password: PASSWORD });
    return (
      await t
        .http()
        .post('/auth/login')
        .set(from(ip))
        .send({ email, password: PASSWORD })
        .expect(200)
    ).body;
  }

  it('limits refresh attempts per session, counted before any work, even from many addresses', async () => {
    const victim = await signUpAndLogin();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => refresh(forgedFor(victim.sessionId))),
    );
    expect(statuses(answers)).toEqual({ 401: 4, 429: 8 });
    for (const res of answers.filter((r) => r.status === 429)) expectRateLimited(res, 60);
    // Other sessions are not affected; the limited one can go on once the window has passed.
    const other = await signUpAndLogin();
    await refresh(other.refreshToken).expect(200);
  });

  it('lets the owner refresh and log out while someone who only knows the session id floods it', async () => {
    const owner = await signUpAndLogin();
    const flood = () =>
      Promise.all(Array.from({ length: 8 }, () => refresh(forgedFor(owner.sessionId))));
    expect(statuses(await flood())).toEqual({ 401: 4, 429: 4 });
    const rotated = await refresh(owner.refreshToken).expect(200);
    // A lost answer: the previous token again, inside the grace window.
    await refresh(owner.refreshToken).expect(200);
    expect(statuses(await flood())).toEqual({ 429: 8 });
    const next = await refresh(rotated.body.refreshToken).expect(200);
    const logoutFlood = await Promise.all(
      Array.from({ length: 6 }, () => logout(forgedFor(owner.sessionId))),
    );
    expect(statuses(logoutFlood)).toEqual({ 204: 4, 429: 2 });
    await logout(next.body.refreshToken).expect(204);
    const [row] = await t.dataSource.query('SELECT revoke_reason FROM sessions WHERE id = $1', [
      owner.sessionId,
    ]);
    expect(row.revoke_reason).toBe('logout');
  });

  it('limits refresh attempts per client address, across sessions', async () => {
    const ip = randomIp();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => refresh(forgedFor(randomUUID()), ip)),
    );
    expect(statuses(answers)).toEqual({ 401: 6, 429: 4 });
    expectRateLimited(await refresh('garbage', ip), 60);
    const session = await signUpAndLogin();
    expectRateLimited(await refresh(session.refreshToken, ip), 60);
    await refresh(session.refreshToken).expect(200);
  });

  it('limits logout by refresh token per session and per client address', async () => {
    const victim = await signUpAndLogin();
    const perSession = await Promise.all(
      Array.from({ length: 8 }, () => logout(forgedFor(victim.sessionId))),
    );
    expect(statuses(perSession)).toEqual({ 204: 4, 429: 4 });
    for (const res of perSession.filter((r) => r.status === 429)) expectRateLimited(res, 60);
    const ip = randomIp();
    const perAddress = await Promise.all(
      Array.from({ length: 9 }, () => logout(forgedFor(randomUUID()), ip)),
    );
    expect(statuses(perAddress)).toEqual({ 204: 6, 429: 3 });
  });

  it('limits registrations per client address, counted before the password is hashed', async () => {
    const ip = randomIp();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        t
          .http()
          .post('/auth/register')
          .set(from(ip))
          .send({ email: uniqueEmail(), password: PASSWORD }),
      ),
    );
    expect(statuses(answers)).toEqual({ 201: 3, 429: 7 });
    for (const res of answers.filter((r) => r.status === 429)) expectRateLimited(res, 600);
    await t
      .http()
      .post('/auth/register')
      .set(from(randomIp()))
      .send({ email: uniqueEmail(), password: PASSWORD })
      .expect(201);
  });
});
