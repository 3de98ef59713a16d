import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import type { AccessTokenClaims } from '@hybrid-auth/auth-guard';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BusyClient, tokenInfo } from './support/busy-client';
import { call, signUp } from './support/client';
import { ROOT, eventually, sleep } from './support/service-process';
import { Stack } from './support/stack';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = path.join(ROOT, 'apps/auth-service/dist/cli/signing-keys.js');
const TOKEN_TTL = 30;

type PrivateJwk = JsonWebKey & { kid: string };

/** Runs the operators' key CLI on the suite's key file; returns what it printed. */
const keys = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** A gauge from a service's Prometheus text. */
async function gauge(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
  const match = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * The planned rotation of docs/operations.md ("Signing keys") with short intervals: a 1 s key-file
 * reload on auth-service, a 1 s JWKS refresh on catalog-service and 30 s access tokens.
 */
describe('a planned signing-key rotation while clients keep working', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stack-keys-'));
  const file = path.join(dir, 'signing-keys.json');
  let stack: Stack;

  beforeAll(async () => {
    keys('generate', file);
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      env: {
        auth: {
          AUTH_SIGNING_KEYS_FILE: file,
          AUTH_SIGNING_KEYS_RELOAD: '1',
          AUTH_ACCESS_TOKEN_TTL: String(TOKEN_TTL),
        },
        catalog: { AUTH_JWKS_REFRESH_SECONDS: '1', AUTH_ACCESS_TOKEN_TTL: String(TOKEN_TTL) },
      },
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The private JWK of `kid`, as the key file holds it now. */
  const privateJwk = (kid: string): PrivateJwk => {
    const jwk = (JSON.parse(readFileSync(file, 'utf8')) as { keys: PrivateJwk[] }).keys.find(
      (k) => k.kid === kid,
    );
    if (!jwk) throw new Error(`${kid} is not in the key file`);
    return jwk;
  };

  /** A fresh token with the claims of `like` (a live session), signed by the key `jwk`. */
  function signWith(jwk: PrivateJwk, like: string): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      ...tokenInfo(like).claims,
      iat: now,
      exp: now + TOKEN_TTL,
      jti: randomUUID(),
    } as unknown as AccessTokenClaims;
    return signAccessToken(claims, createPrivateKey({ key: jwk, format: 'jwk' }), jwk.kid);
  }

  it('rejects no valid token from add to retire, and refuses the retired key afterwards', async () => {
    const user = await signUp(stack.auth.url);
    const oldKid = tokenInfo(user.accessToken).kid;
    let retired: string;
    const client = new BusyClient(stack.auth.url, user.user.email, [
      `${stack.catalog.url}/catalog/me`,
      `${stack.auth.url}/auth/me`,
    ]);
    client.start();
    try {
      // 1. Publish the next key, and wait until catalog-service has fetched it.
      const newKid = /^added (\S+):/.exec(keys('add', file))?.[1] ?? '';
      expect(newKid).not.toBe('');
      await eventually(async () => (await gauge(stack.catalog.url, 'auth_guard_keys')) === 2);

      // 2. The new key signs; tokens it signed are accepted everywhere the client calls.
      keys('promote', file, newKid);
      await eventually(() => client.acceptedKids.has(newKid));

      // 3. Retire the old key once every token it signed has expired.
      const lastOldExpiry = () => client.expiryByKid.get(oldKid) ?? 0;
      await eventually(() => Date.now() / 1000 > lastOldExpiry() + 1, (TOKEN_TTL + 15) * 1000);
      // Kept to sign with after retirement; accepted while the key is still published.
      const oldKey = privateJwk(oldKid);
      expect(
        (
          await call(`${stack.catalog.url}/catalog/me`, {
            token: signWith(oldKey, user.accessToken),
          })
        ).status,
      ).toBe(200);
      keys('retire', file, oldKid);
      await eventually(async () => (await gauge(stack.catalog.url, 'auth_guard_keys')) === 1);
      const jwks = await call<{ keys: { kid: string }[] }>(
        `${stack.auth.url}/.well-known/jwks.json`,
      );
      expect(jwks.body.keys.map((k) => k.kid)).toEqual([newKid]);
      await sleep(1000);
      retired = signWith(oldKey, user.accessToken);
    } finally {
      await client.stop();
    }
    process.stdout.write(
      `key rotation: ${client.calls} client calls, ${client.failures.length} failures\n`,
    );
    expect(client.failures).toEqual([]);
    expect(client.calls).toBeGreaterThan(50);

    // A token signed by the retired key, however well-formed, is refused by everyone.
    for (const url of [`${stack.catalog.url}/catalog/me`, `${stack.auth.url}/auth/me`]) {
      const res = await call(url, { token: retired });
      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 401,
        code: 'invalid_token',
      });
    }
  }, 150_000);
});
