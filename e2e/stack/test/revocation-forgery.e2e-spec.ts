import { signStreamEntry } from '@hybrid-auth/auth-guard';
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, Stack } from './support/stack';
import { call, login, signUp } from './support/client';
import type { Login } from './support/client';
import { Forger, rejectedBy } from './support/forger';
import { me, refusedBy } from './support/revocation';
import { ROOT, eventually } from './support/service-process';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BUDGET_MS = 4000;

/**
 * Whoever can write to Redis is a carrier, not an authority: with the real auth-service and
 * real guards, nothing written to the stream without auth-service's signature for this
 * deployment changes what any guard decides.
 */
describe('forged revocation news in Redis', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stack-forgery-'));
  const keyFile = path.join(dir, 'signing-keys.json');
  let stack: Stack;
  let forger: Forger;

  beforeAll(async () => {
    execFileSync(process.execPath, [
      path.join(ROOT, 'apps/auth-service/dist/cli/signing-keys.js'),
      'generate',
      keyFile,
    ]);
    stack = await Stack.create({
      redisUrl: MACHINE_REDIS,
      env: {
        auth: { AUTH_SIGNING_KEYS_FILE: keyFile },
        billing: { AUTH_STRICT_BUDGET_MS: String(BUDGET_MS) },
      },
    });
    forger = new Forger(MACHINE_REDIS, stack.stream);
  }, 90_000);
  afterAll(async () => {
    await forger?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Admin routes take only a token meant for auth-service alone.
  const admin = () => login(stack.auth.url, ADMIN.email, ADMIN.password, 'auth-service');
  const setRole = async (userId: string, role: string) => {
    const res = await call(`${stack.auth.url}/auth/admin/users/${userId}`, {
      method: 'PATCH',
      token: (await admin()).accessToken,
      body: { role },
    });
    expect(res.status).toBe(200);
  };
  /** A real logout after the forgeries: once every guard refuses it, they read past them. */
  const readPastForgeries = async () => {
    const marker = await signUp(stack.auth.url);
    await call(`${stack.auth.url}/auth/logout`, { method: 'POST', token: marker.accessToken });
    await refusedBy(stack.downstream, marker.accessToken, 'session_revoked');
  };
  const statuses = async (token: string) =>
    Promise.all(stack.downstream.map(async (s) => (await me(s, token)).body.code ?? 'ok'));

  it('revokes no session and undoes no demotion it was not told to by auth-service', async () => {
    const victim = await signUp(stack.auth.url);
    // A user promoted, given an admin token, then demoted: that token is stale everywhere.
    const demoted = await signUp(stack.auth.url);
    await setRole(demoted.user.id, 'admin');
    const refreshed = await call<Login>(`${stack.auth.url}/auth/refresh`, {
      body: { refreshToken: demoted.refreshToken },
    });
    const adminToken = refreshed.body.accessToken;
    await setRole(demoted.user.id, 'user');
    await refusedBy(stack.downstream, adminToken, 'token_stale');
    const before = {
      victim: await statuses(victim.accessToken),
      admin: await statuses(adminToken),
    };

    const entries = await forger.entries();
    const mentions = (role: string) =>
      entries.find(({ payload }) =>
        payload.ev.some((e) => e.userId === demoted.user.id && e.role === role),
      )!;
    const kid = mentions('user').fields[mentions('user').fields.indexOf('kid') + 1];
    const sid = victim.sessionId;
    const uid = victim.user.id;
    const now = Date.now();
    const revokeVictim = {
      type: 'session' as const,
      id: '1',
      sessionId: sid,
      userId: uid,
      at: now,
    };
    const promote = {
      type: 'user' as const,
      id: '2',
      userId: demoted.user.id,
      role: 'admin' as const,
      at: now,
    };
    // 1. The old unsigned format.
    await forger.unsigned(['t', 'session', 'at', String(now), 'sid', sid, 'sub', uid]);
    await forger.unsigned([
      't',
      'user',
      'at',
      String(now),
      'sub',
      demoted.user.id,
      'role',
      'admin',
    ]);
    // 2. Signed by a key of the forger's own, under its own kid and under auth-service's.
    await forger.signed([revokeVictim, promote]);
    await forger.signed([revokeVictim, promote], kid);
    // 3. auth-service's real demotion, its role changed back to admin.
    await forger.altered(mentions('user').fields, (p) => ({
      ...p,
      ev: p.ev.map((e) => ({ ...e, role: 'admin' })),
    }));
    // 4. auth-service's real promotion, replayed as it was: older than the demotion.
    await forger.append(mentions('admin').fields);
    // 5. An entry auth-service signed for another deployment (prefix `other:`) with this
    //    same key, copied in. (Only here does the test use the real key: to play that
    //    other deployment's relay.)
    const jwk = JSON.parse(readFileSync(keyFile, 'utf8')).keys[0];
    const realKey = { kid: jwk.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
    const scope = { stream: `other:${stack.stream}`, epoch: await forger.epoch() };
    await forger.append(signStreamEntry([revokeVictim, promote], scope, realKey));
    await readPastForgeries();

    expect({
      victim: await statuses(victim.accessToken),
      admin: await statuses(adminToken),
    }).toEqual(before);
    expect(before).toEqual({
      victim: ['ok', 'ok', 'ok'],
      admin: ['token_stale', 'token_stale', 'token_stale'],
    });
    expect(await rejectedBy(stack.catalog.url)).toMatchObject({
      unsigned: 2,
      unknown_kid: 1,
      bad_signature: 2,
      foreign_stream: 1,
    });
  });

  it('does not keep strict routes open with forged or replayed heartbeats once the relay is silent', async () => {
    const keep = await signUp(stack.auth.url);
    expect((await me(stack.billing, keep.accessToken)).status).toBe(200);
    const realHeartbeat = (await forger.entries()).filter(({ payload }) =>
      payload.ev.some((e) => e.type === 'heartbeat'),
    )[0].fields;
    // auth-service stops: no more real heartbeats. The forger heartbeats instead.
    await stack.auth.stop();
    let forging = true;
    const forge = (async () => {
      while (forging) {
        const at = Date.now() + 3_600_000;
        await forger.unsigned(['t', 'heartbeat', 'at', String(at)]);
        await forger.signed([{ type: 'heartbeat', at }]);
        await forger.signed([{ type: 'heartbeat', at: Date.now() }]);
        await forger.append(realHeartbeat);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await eventually(async () => {
        const res = await me(stack.billing, keep.accessToken);
        return res.status === 503 && res.body.code === 'unavailable';
      }, 4 * BUDGET_MS);
      // Still refused while the forgeries go on, for longer than the strict budget.
      for (let until = Date.now() + 2 * BUDGET_MS; Date.now() < until;) {
        expect((await me(stack.billing, keep.accessToken)).status).toBe(503);
      }
      expect((await me(stack.catalog, keep.accessToken)).status).toBe(200);
    } finally {
      forging = false;
      await forge;
    }
  });
});
