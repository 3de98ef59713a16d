import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import type { AccessTokenClaims } from '@hybrid-auth/auth-guard';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateJwk } from '../src/tokens/private-jwks';
import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { decodeJwt, expectError } from './expectations';

type Jwk = Record<string, string>;
const publicPart = ({ d: _d, ...rest }: Jwk) => rest;
const kidOf = (token: string) => decodeJwt(token).header.kid;

/** Polls until `check` holds (the keys file is re-read asynchronously after SIGHUP). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /.well-known/jwks.json with a generated key', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ AUTH_JWKS_MAX_AGE: '120' });
  });
  afterAll(() => t.close());

  it('publishes one public EC P-256 key, never a private part, with a Cache-Control max-age', async () => {
    const res = await t.http().get('/.well-known/jwks.json').expect(200);
    expect(res.headers['cache-control']).toMatch(/(^|[ ,])max-age=120($|,)/);
    expect(res.body).toEqual({
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
          kid: expect.any(String),
          alg: 'ES256',
          use: 'sig',
        },
      ],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/"d"/);
  });

  it('signs access tokens with the published key', async () => {
    const { keys } = (await t.http().get('/.well-known/jwks.json').expect(200)).body;
    const session = await signUpAndLogin(t);
    expect(kidOf(session.accessToken)).toBe(keys[0].kid);
  });

  it('is public: no token needed', async () => {
    await t
      .http()
      .get('/.well-known/jwks.json')
      .set('authorization', 'Bearer nonsense')
      .expect(200);
  });
});

describe('AUTH_SIGNING_KEYS_FILE', () => {
  let t: AuthTestApp;
  let dir: string;
  let file: string;
  const [a, b, c] = [generatePrivateJwk(), generatePrivateJwk(), generatePrivateJwk()];
  const writeKeys = (keys: Jwk[]) => writeFile(file, JSON.stringify({ keys }));
  const jwks = async () => (await t.http().get('/.well-known/jwks.json').expect(200)).body;
  const publishedKids = async () => (await jwks()).keys.map((k: Jwk) => k.kid);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-keys-'));
    file = join(dir, 'keys.json');
    await writeKeys([a, b, publicPart(c)]);
    // Reloads come from SIGHUP below, not from the timer.
    t = await startAuthApp({ AUTH_SIGNING_KEYS_FILE: file, AUTH_SIGNING_KEYS_RELOAD: '0' });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes every key of the file in order, public parts only', async () => {
    expect((await jwks()).keys).toEqual([a, b, c].map((k) => ({ ...publicPart(k), use: 'sig' })));
  });

  it('signs with the first key only', async () => {
    const session = await signUpAndLogin(t);
    expect(kidOf(session.accessToken)).toBe(a.kid);
  });

  it('accepts tokens signed by any other published key', async () => {
    const session = await signUpAndLogin(t);
    const claims = decodeJwt(session.accessToken).payload as unknown as AccessTokenClaims;
    const key = createPrivateKey({ key: b, format: 'jwk' });
    const token = signAccessToken({ ...claims, jti: 'other-key' }, key, b.kid);
    await t.http().get('/auth/me').set(bearer(token)).expect(200);
  });

  it('re-reads the file when it changes: a new signing key, the old one still verifies', async () => {
    const before = await signUpAndLogin(t);
    await writeKeys([b, a]);
    process.emit('SIGHUP', 'SIGHUP');
    await eventually(async () => (await publishedKids())[0] === b.kid);
    expect(await publishedKids()).toEqual([b.kid, a.kid]);
    const after = await signUpAndLogin(t);
    expect(kidOf(after.accessToken)).toBe(b.kid);
    await t.http().get('/auth/me').set(bearer(before.accessToken)).expect(200);
  });

  it('stops accepting tokens of a key removed from the file', async () => {
    await writeKeys([b, a]);
    const claims = decodeJwt((await signUpAndLogin(t)).accessToken).payload;
    const signedByA = signAccessToken(
      { ...(claims as unknown as AccessTokenClaims), jti: 'retired-key' },
      createPrivateKey({ key: a, format: 'jwk' }),
      a.kid,
    );
    await writeKeys([b]);
    process.emit('SIGHUP', 'SIGHUP');
    await eventually(async () => (await publishedKids()).length === 1);
    expectError(await t.http().get('/auth/me').set(bearer(signedByA)), 401, 'invalid_token');
  });

  it('keeps the current keys when the file becomes invalid', async () => {
    await writeKeys([b]);
    process.emit('SIGHUP', 'SIGHUP');
    await eventually(async () => (await publishedKids()).join() === b.kid);
    await writeFile(file, '{ "keys": [ not json');
    process.emit('SIGHUP', 'SIGHUP');
    await writeKeys([publicPart(a)]); // a first key without "d" cannot sign
    process.emit('SIGHUP', 'SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await publishedKids()).toEqual([b.kid]);
    const session = await signUpAndLogin(t);
    expect(kidOf(session.accessToken)).toBe(b.kid);
  });

  it('refuses to start when the file is missing or invalid', async () => {
    await expect(
      startAuthApp({ AUTH_SIGNING_KEYS_FILE: join(dir, 'missing.json') }),
    ).rejects.toThrow();
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ keys: [publicPart(a)] }));
    await expect(startAuthApp({ AUTH_SIGNING_KEYS_FILE: bad })).rejects.toThrow(/private part/);
  });
});

describe('AUTH_SIGNING_KEYS_FILE reloading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-keys-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  it('watches the file once per app (one SIGHUP handler, one timer) and stops on close', async () => {
    const file = join(dir, 'keys.json');
    await writeFile(file, JSON.stringify({ keys: [generatePrivateJwk()] }));
    const listenersBefore = process.listenerCount('SIGHUP');
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const clearIntervalSpy = jest.spyOn(global, 'clearInterval');
    const t = await startAuthApp({
      AUTH_SIGNING_KEYS_FILE: file,
      AUTH_SIGNING_KEYS_RELOAD: '3600',
    });
    const timers = setIntervalSpy.mock.results
      .filter((_result, i) => setIntervalSpy.mock.calls[i][1] === 3_600_000)
      .map((result) => result.value);
    const listeners = process.listenerCount('SIGHUP');
    await t.close();
    expect(listeners).toBe(listenersBefore + 1);
    expect(timers).toHaveLength(1);
    expect(process.listenerCount('SIGHUP')).toBe(listenersBefore);
    expect(clearIntervalSpy).toHaveBeenCalledWith(timers[0]);
  });
});
