import { PASSWORD, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { UUID, expectError, login } from './expectations';

// These tests are about uniqueness, so they let registration say that an address is taken;
// the default answer for a taken address (201, and a mail) is in email-register.e2e-spec.
describe('POST /auth/register', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_REGISTER_REVEALS_TAKEN: 'true' });
  });
  afterAll(() => t.close());

  const register = (body: unknown) =>
    t
      .http()
      .post('/auth/register')
      .send(body as object);

  it('creates a user and answers 201 with id, email, role and emailVerified only', async () => {
    const email = uniqueEmail();
    const res = await register({ email, password: PASSWORD }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      email,
      role: 'user',
      emailVerified: false,
    });
  });

  it('stores the email lower-cased and never the password in clear', async () => {
    const email = uniqueEmail('MiXeD').replace('example.com', 'Example.COM');
    const res = await register({ email, password: PASSWORD }).expect(201);
    expect(res.body.email).toBe(email.toLowerCase());
    const [row] = await t.dataSource.query('SELECT email, password_hash FROM users WHERE id = $1', [
      res.body.id,
    ]);
    expect(row.email).toBe(email.toLowerCase());
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('answers 409 email_taken for an email already registered, in any letter case', async () => {
    const email = uniqueEmail();
    await register({ email, password: PASSWORD }).expect(201);
    expectError(await register({ email, password: 'another password' }), 409, 'email_taken');
    expectError(
      await register({ email: email.toUpperCase(), password: PASSWORD }),
      409,
      'email_taken',
    );
    const [{ count }] = await t.dataSource.query(
      'SELECT count(*)::int AS count FROM users WHERE lower(email) = $1',
      [email],
    );
    expect(count).toBe(1);
  });

  it('lets one of two simultaneous registrations of the same email win, the other gets 409', async () => {
    const email = uniqueEmail();
    const results = await Promise.all([
      register({ email, password: PASSWORD }),
      register({ email: email.toUpperCase(), password: PASSWORD }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('email_taken');
  });

  it('treats the NFC and NFD spellings of an address as one account', async () => {
    const nfc = uniqueEmail('Jos\u00e9').normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const created = await register({ email: nfd, password: PASSWORD }).expect(201);
    expect(created.body.email).toBe(nfc.toLowerCase());
    expectError(await register({ email: nfc, password: PASSWORD }), 409, 'email_taken');
    expectError(
      await register({ email: nfd.toUpperCase(), password: PASSWORD }),
      409,
      'email_taken',
    );
    const res = await login(t, nfc).expect(200);
    expect(res.body.user.id).toBe(created.body.id);
    await login(t, nfd).expect(200);
  });

  it('lets the user log in with the email in another letter case', async () => {
    const email = uniqueEmail();
    await register({ email, password: PASSWORD }).expect(201);
    const res = await login(t, email.toUpperCase()).expect(200);
    expect(res.body.user.email).toBe(email);
  });

  it.each([
    ['7 characters', 'x'.repeat(7)],
    ['129 characters', 'x'.repeat(129)],
  ])('rejects a password of %s with 400 validation_failed', async (_label, password) => {
    const res = await register({ email: uniqueEmail(), password });
    expectError(res, 400, 'validation_failed');
    expect(res.body.details).toEqual([{ field: 'password', problems: expect.any(Array) }]);
  });

  it.each([
    ['8 characters', 'x'.repeat(8)],
    ['128 characters', 'x'.repeat(128)],
  ])('accepts a password of %s', async (_label, password) => {
    const email = uniqueEmail();
    await register({ email, password }).expect(201);
    await login(t, email, password).expect(200);
  });

  it.each([
    ['a malformed email', { email: 'not-an-email', password: PASSWORD }],
    ['a missing email', { password: PASSWORD }],
    ['a missing password', { email: uniqueEmail() }],
    ['a non-string password', { email: uniqueEmail(), password: 12345678 }],
    ['an unknown field', { email: uniqueEmail(), password: PASSWORD, role: 'admin' }],
  ])('rejects %s with 400 validation_failed and details', async (_label, body) => {
    const res = await register(body);
    expectError(res, 400, 'validation_failed');
    expect(res.body.details.length).toBeGreaterThan(0);
  });

  it('never echoes the password back in a validation error', async () => {
    const password = 'secret-but-too-long-'.repeat(10);
    const res = await register({ email: 'nope', password });
    expectError(res, 400, 'validation_failed');
    expect(JSON.stringify(res.body)).not.toContain(password);
  });
});
