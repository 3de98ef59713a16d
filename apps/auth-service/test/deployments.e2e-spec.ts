import type { RevocationFeed } from '@hybrid-auth/auth-guard';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generatePrivateJwk } from '../src/tokens/private-jwks';
import { Redis } from 'ioredis';
import { bearer, REDIS_URL, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { eventually, followFeed, streamKeys, verdict } from './revocation-feed';

/**
 * Two deployments on one Redis, with the same stream name and even the same signing key
 * (the worst case: a key file copied from one to the other). Their outbox ids collide too:
 * both start at 1. Only AUTH_REDIS_PREFIX tells them apart, and it is enough.
 */
describe('two deployments sharing one Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployments-'));
  const keysFile = join(dir, 'keys.json');
  const stream = `test:${randomBytes(4).toString('hex')}:revocations`;
  let a: AuthTestApp;
  let b: AuthTestApp;
  let feedA: RevocationFeed;
  let feedB: RevocationFeed;

  beforeAll(async () => {
    writeFileSync(keysFile, JSON.stringify({ keys: [generatePrivateJwk()] }), { mode: 0o600 });
    const common = { AUTH_REVOCATION_STREAM: stream, AUTH_SIGNING_KEYS_FILE: keysFile };
    a = await startAuthApp({ ...common, AUTH_REDIS_PREFIX: 'deploy-a:' });
    b = await startAuthApp({ ...common, AUTH_REDIS_PREFIX: 'deploy-b:' });
    feedA = await followFeed(a);
    feedB = await followFeed(b);
  });
  afterAll(async () => {
    await Promise.all([feedA?.stop(), feedB?.stop()]);
    await Promise.all([a?.close(), b?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("does not let one deployment's revocations reach the other's guards, nor drop them", async () => {
    const sa = await signUpAndLogin(a);
    const sb = await signUpAndLogin(b);
    // The first outbox event of each deployment: both have id 1.
    await a.http().post('/auth/logout').set(bearer(sa.accessToken)).expect(204);
    await eventually(() => verdict(feedA, sa.user.id, sa.sessionId) === 'session_revoked');
    await b.http().post('/auth/logout').set(bearer(sb.accessToken)).expect(204);
    await eventually(() => verdict(feedB, sb.user.id, sb.sessionId) === 'session_revoked');
    expect(verdict(feedB, sa.user.id, sa.sessionId)).toBeUndefined();
    expect(verdict(feedA, sb.user.id, sb.sessionId)).toBeUndefined();
  });

  it('ignores an entry of the other deployment copied into its stream, although the same key signed it', async () => {
    const sb = await signUpAndLogin(b);
    await b.http().post('/auth/logout').set(bearer(sb.accessToken)).expect(204);
    await eventually(() => verdict(feedB, sb.user.id, sb.sessionId) === 'session_revoked');
    const redis = new Redis(REDIS_URL);
    const entries = await redis.xrange(streamKeys(b).stream, '-', '+');
    for (const [, fields] of entries) await redis.xadd(streamKeys(a).stream, '*', ...fields);
    await redis.quit();
    await eventually(() => feedA.status().rejected.foreign_stream >= entries.length);
    expect(verdict(feedA, sb.user.id, sb.sessionId)).toBeUndefined();
  });
});
