import { PASSWORD, bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';

/** Reads one sample of a Prometheus text exposition. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('GET /metrics on auth-service', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it('counts sign-ins, refreshes by outcome, revocations by reason and request latency by route', async () => {
    const email = uniqueEmail();
    const s = await signUpAndLogin(t, email);
    await t.http().post('/auth/login').send({ email, password: 'wrong password!' }).expect(401);
    const rotated = await t
      .http()
      .post('/auth/refresh')
      .send({ refreshToken: s.refreshToken })
      .expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: 'garbage' }).expect(401);
    await t.http().post('/auth/logout').set(bearer(rotated.body.accessToken)).expect(204);

    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(sample(text, 'auth_logins_total', 'outcome="ok"')).toBe(1);
    expect(sample(text, 'auth_logins_total', 'outcome="invalid_credentials"')).toBe(1);
    expect(sample(text, 'auth_refreshes_total', 'outcome="rotated"')).toBe(1);
    expect(sample(text, 'auth_refreshes_total', 'outcome="invalid"')).toBe(1);
    expect(sample(text, 'auth_revocations_total', 'reason="logout"')).toBe(1);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/auth\/login",status="200"\} 1/,
    );
    // Bounded labels: never an email, a user id or a raw URL.
    expect(text).not.toContain(email);
    expect(text).not.toContain(s.user.id);
    expect(text).not.toContain(PASSWORD);
  });
});
