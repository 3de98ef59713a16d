import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { PASSWORD, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { login } from './expectations';

const seed = (email: string, password = 'bootstrap password 1') => ({
  AUTH_BOOTSTRAP_ADMIN_EMAIL: email,
  AUTH_BOOTSTRAP_ADMIN_PASSWORD: password,
});

describe('the bootstrap admin (AUTH_BOOTSTRAP_ADMIN_EMAIL)', () => {
  let db: TestDatabase;
  let t: AuthTestApp;
  beforeAll(async () => {
    db = await createTestDatabase('auth_bootstrap');
    t = await startAuthApp({}, { db });
  });
  afterAll(async () => {
    await t.close({ keepDatabase: true });
    await db.drop();
  });

  const userRow = async (email: string) =>
    (
      await t.dataSource.query('SELECT id, role, password_hash FROM users WHERE email = $1', [
        email,
      ])
    )[0] as { id: string; role: string; password_hash: string } | undefined;

  it('creates the admin on a fresh address, and two replicas starting together agree', async () => {
    const email = uniqueEmail('root');
    const replicas = await Promise.all([
      startAuthApp(seed(email), { db }),
      startAuthApp(seed(email), { db }),
    ]);
    await Promise.all(replicas.map((r) => r.close({ keepDatabase: true })));
    expect((await userRow(email))?.role).toBe('admin');
    const res = await login(t, email, 'bootstrap password 1').expect(200);
    expect(res.body.user.role).toBe('admin');
  });

  it('refuses to start when the address belongs to an account that is not an admin, and leaves it as it was', async () => {
    const email = uniqueEmail('squatter');
    await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    const before = await userRow(email);
    await expect(startAuthApp(seed(email), { db })).rejects.toThrow(
      /AUTH_BOOTSTRAP_ADMIN_EMAIL.*not an admin/s,
    );
    expect(await userRow(email)).toEqual(before);
    expect(before?.role).toBe('user');
    // The squatter's own password still works, and gives no admin rights.
    expect((await login(t, email).expect(200)).body.user.role).toBe('user');
    await login(t, email, 'bootstrap password 1').expect(401);
  });

  it('starts and touches nothing when the address is already an admin', async () => {
    const email = uniqueEmail('root');
    const first = await startAuthApp(seed(email), { db });
    await first.close({ keepDatabase: true });
    const before = await userRow(email);
    // Another password in the variable does not reset the admin's own.
    const again = await startAuthApp(seed(email, 'another password 2'), { db });
    await again.close({ keepDatabase: true });
    expect(await userRow(email)).toEqual(before);
    await login(t, email, 'bootstrap password 1').expect(200);
  });
});
