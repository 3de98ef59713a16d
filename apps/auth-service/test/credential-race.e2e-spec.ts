import { PASSWORD, bearer, randomIp, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';

const LOOPS = 6;
const ROUNDS = 5;

/**
 * Logins with the old password race a credential change: a login that read the old hash
 * before the change must not leave a session that outlives it.
 */
describe('logins racing a password change or a disable', () => {
  let t: AuthTestApp;
  const admin = { email: uniqueEmail('admin'), password: 'admin password 1' };
  beforeAll(async () => {
    t = await startAuthApp({
      AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      // The loops fail often once the password has changed; the throttle is not under test.
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '100000',
    });
  });
  afterAll(() => t.close());

  /**
   * Runs LOOPS login loops with `password` until each gets a refusal; `change` runs once the
   * loops have made a few sessions. Returns every session the loops made.
   */
  async function raceLogins(email: string, change: () => Promise<unknown>) {
    const made: { sessionId: string; refreshToken: string; accessToken: string }[] = [];
    let running = LOOPS;
    const loop = async () => {
      const ip = randomIp();
      for (;;) {
        const res = await t
          .http()
          .post('/auth/login')
          .set('x-forwarded-for', ip)
          .send({ email, password: PASSWORD });
        if (res.status !== 200) break;
        made.push(res.body);
      }
      running -= 1;
    };
    const loops = Array.from({ length: LOOPS }, loop);
    while (made.length < LOOPS && running > 0) await new Promise((r) => setImmediate(r));
    await change();
    await Promise.all(loops);
    return made;
  }

  /** How many of the sessions are still alive in some way: refreshable, or not revoked. */
  async function survivors(made: { sessionId: string; refreshToken: string }[]) {
    const refreshable = (
      await Promise.all(
        made.map((s) => t.http().post('/auth/refresh').send({ refreshToken: s.refreshToken })),
      )
    ).filter((res) => res.status === 200).length;
    const [{ live }] = await t.dataSource.query(
      'SELECT count(*)::int AS live FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL',
      [made.map((s) => s.sessionId)],
    );
    return { refreshable, live };
  }

  it('leaves no session made with the old password alive after a password change', async () => {
    let made = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const owner = await signUpAndLogin(t);
      const sessions = await raceLogins(owner.user.email, () =>
        t
          .http()
          .post('/auth/password')
          .set(bearer(owner.accessToken))
          .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
          .expect(204),
      );
      made += sessions.length;
      expect({ round, ...(await survivors(sessions)) }).toEqual({ round, refreshable: 0, live: 0 });
    }
    expect(made).toBeGreaterThanOrEqual(ROUNDS * LOOPS);
  }, 120_000);

  it('leaves no session alive after a disable, not even once the user is enabled again', async () => {
    // Admin routes take only a token for auth-service alone.
    const adminToken = (
      await t
        .http()
        .post('/auth/login')
        .send({ ...admin, audience: 'auth-service' })
        .expect(200)
    ).body.accessToken as string;
    for (let round = 0; round < ROUNDS; round += 1) {
      const email = uniqueEmail();
      const { body: user } = await t
        .http()
        .post('/auth/register')
        .send({ email, password: PASSWORD })
        .expect(201);
      const patch = (disabled: boolean) =>
        t
          .http()
          .patch(`/auth/admin/users/${user.id as string}`)
          .set(bearer(adminToken))
          .send({ disabled })
          .expect(200);
      const sessions = await raceLogins(email, () => patch(true));
      await patch(false);
      expect({ round, ...(await survivors(sessions)) }).toEqual({ round, refreshable: 0, live: 0 });
    }
  }, 120_000);
});
