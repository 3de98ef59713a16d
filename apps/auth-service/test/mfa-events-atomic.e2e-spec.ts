import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { enrolledUser } from './mfa-support';
import { SoftAuthenticator } from './soft-authenticator';

const ORIGIN = 'http://localhost:8080';

/**
 * An MFA or passkey change and its audit event commit together or not at all: with the
 * event's insert made to fail (a trigger on auth_events for the chosen users), the change
 * must not be there either.
 */
describe('MFA and passkey events share the transaction of their change', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_PUBLIC_URL: ORIGIN });
    await t.dataSource.query('CREATE TABLE refuse_events_of (user_id uuid PRIMARY KEY)');
    await t.dataSource.query(`
      CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM refuse_events_of WHERE user_id = NEW.user_id) THEN
          RAISE EXCEPTION 'event refused by the test';
        END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(
      'CREATE TRIGGER refuse_event BEFORE INSERT ON auth_events FOR EACH ROW EXECUTE FUNCTION refuse_event()',
    );
  });
  afterAll(() => t.close());

  const refuseEventsOf = (userId: string) =>
    t.dataSource.query('INSERT INTO refuse_events_of (user_id) VALUES ($1)', [userId]);
  const count = async (sql: string, userId: string) =>
    ((await t.dataSource.query(sql, [userId])) as { n: number }[])[0].n;

  it('adds no passkey, starts no passkey session and removes no passkey when the event fails', async () => {
    const session = await signUpAndLogin(t);
    const authenticator = new SoftAuthenticator();
    const register = async (device: SoftAuthenticator) => {
      const options = await t
        .http()
        .post('/auth/passkeys/register/options')
        .set(bearer(session.accessToken))
        .expect(200);
      return t
        .http()
        .post('/auth/passkeys/register')
        .set(bearer(session.accessToken))
        .send({ response: device.create(options.body, ORIGIN) });
    };
    const passkeys = 'SELECT count(*)::int AS n FROM passkeys WHERE user_id = $1';
    const sessions = 'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1';
    const passkey = (await register(authenticator).then((r) => r.body)) as { id: string };
    await refuseEventsOf(session.user.id);

    expect((await register(new SoftAuthenticator())).status).toBe(500);
    expect(await count(passkeys, session.user.id)).toBe(1);

    const before = await count(sessions, session.user.id);
    const options = await t.http().post('/auth/passkeys/login/options').expect(200);
    const signIn = await t
      .http()
      .post('/auth/passkeys/login')
      .send({ response: authenticator.get(options.body, ORIGIN) });
    expect(signIn.status).toBe(500);
    expect(await count(sessions, session.user.id)).toBe(before);

    const removed = await t
      .http()
      .delete(`/auth/passkeys/${passkey.id}`)
      .set(bearer(session.accessToken));
    expect(removed.status).toBe(500);
    expect(await count(passkeys, session.user.id)).toBe(1);
  });

  it('keeps TOTP when its removal cannot be recorded', async () => {
    const { login: first, confirmed } = await enrolledUser(t);
    await refuseEventsOf(first.user.id);
    const res = await t.http().delete('/auth/mfa/totp').set(bearer(confirmed.accessToken));
    expect(res.status).toBe(500);
    const totp = 'SELECT count(*)::int AS n FROM mfa_totp WHERE user_id = $1';
    expect(await count(totp, first.user.id)).toBe(1);
  });
});
