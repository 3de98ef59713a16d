import { randomBytes } from 'node:crypto';
import { RefreshKeyProvider } from '../src/sessions/refresh-key.provider';
import { SigningKeysService } from '../src/tokens/signing-keys.service';
import { TEST_SECRETS_KEY, bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';

interface Row {
  name: string;
  value: string;
}
const rowsOf = (t: AuthTestApp): Promise<Row[]> =>
  t.dataSource.query('SELECT name, value FROM auth_secrets ORDER BY name');

/** The key material auth-service holds in memory, in every form a dump could show it. */
function keyMaterial(t: AuthTestApp): string[] {
  const signing = t.app.get(SigningKeysService).signingKey().privateKey;
  const d = signing.export({ format: 'jwk' }).d!;
  const refresh = t.app.get(RefreshKeyProvider).get();
  return [
    d,
    Buffer.from(d, 'base64url').toString('hex'),
    Buffer.from(d, 'base64url').toString('base64'),
    refresh.toString('base64url'),
    refresh.toString('hex'),
    refresh.toString('base64'),
  ];
}

const otherKey = () => randomBytes(32).toString('base64url');

describe('the secrets auth-service keeps in its database (AUTH_SECRETS_KEY)', () => {
  let t: AuthTestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('stores the signing key and the refresh-token key encrypted: no private JWK, PEM or raw key in the table', async () => {
    t = await startAuthApp();
    const rows = await rowsOf(t);
    expect(rows.map((row) => row.name)).toEqual(['refresh-token-key', 'signing-key']);
    const dump = JSON.stringify(rows);
    for (const material of keyMaterial(t)) expect(dump).not.toContain(material);
    expect(dump).not.toMatch(/"d"|\\"d\\"|PRIVATE KEY|"kty"|\\"kty\\"/);
    for (const row of rows) expect(row.value).toMatch(/^aes256gcm:v1:[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('keeps access and refresh tokens valid across a restart with the same key', async () => {
    t = await startAuthApp();
    const session = await signUpAndLogin(t);
    await t.close({ keepDatabase: true });
    t = await startAuthApp({}, { db: t.db });
    await t.http().get('/auth/me').set(bearer(session.accessToken)).expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
  });

  it('refuses to start with another key, and leaves the stored secrets as they were', async () => {
    t = await startAuthApp();
    const before = await rowsOf(t);
    await t.close({ keepDatabase: true });
    const db = t.db;
    t = undefined;
    await expect(startAuthApp({ AUTH_SECRETS_KEY: otherKey() }, { db })).rejects.toThrow(
      /AUTH_SECRETS_KEY does not decrypt the stored secret/,
    );
    await expect(startAuthApp({ AUTH_SECRETS_KEY: '' }, { db })).rejects.toThrow(
      /encrypted, but AUTH_SECRETS_KEY is not set/,
    );
    t = await startAuthApp({}, { db });
    expect(await rowsOf(t)).toEqual(before);
  });

  it('encrypts the clear-text rows of an older version at start, keeping every token valid', async () => {
    t = await startAuthApp({ AUTH_SECRETS_KEY: '' });
    const clear = await rowsOf(t);
    expect(clear.find((row) => row.name === 'signing-key')?.value).toContain('"d"');
    const session = await signUpAndLogin(t);
    await t.close({ keepDatabase: true });
    t = await startAuthApp({ AUTH_SECRETS_KEY: TEST_SECRETS_KEY }, { db: t.db });
    const sealed = await rowsOf(t);
    for (const row of sealed) expect(row.value.startsWith('aes256gcm:v1:')).toBe(true);
    for (const material of keyMaterial(t)) expect(JSON.stringify(sealed)).not.toContain(material);
    await t.http().get('/auth/me').set(bearer(session.accessToken)).expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
  });
});
