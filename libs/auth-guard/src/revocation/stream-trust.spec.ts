import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Redis } from 'ioredis';
import { importJwks } from '../keys/jwk';
import type { KeySource } from '../keys/key-source';
import { TestStreamPublisher, TestTokenSigner } from '../testing';
import { RevocationFeed } from './revocation-feed';
import { eventually, tokenOf } from '../../test/feed-helpers';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RETENTION_MS = 960_000;
const LEEWAY_MS = 30_000;
const BUDGET_MS = 10_000;

/** A key source whose keys the test controls, counting unknown-kid refetches. */
class TestKeys implements KeySource {
  keys = new Map<string, KeyObject>();
  refetches: string[] = [];
  onRefetch: () => void = () => undefined;
  get = (kid: string) => this.keys.get(kid);
  hasKeys = () => this.keys.size > 0;
  async refreshForUnknownKid(kid: string): Promise<void> {
    this.refetches.push(kid);
    this.onRefetch();
  }
  trust(signer: TestTokenSigner): void {
    for (const [kid, key] of importJwks({ keys: signer.jwks })) this.keys.set(kid, key);
  }
}

/**
 * Whoever can write to Redis must not be able to change what a guard decides: entries that
 * auth-service did not sign for this stream change neither the deny-list nor freshness.
 */
describe('the revocation feed trusts only entries auth-service signed', () => {
  const auth = new TestTokenSigner();
  const stranger = new TestTokenSigner();
  // Another key that claims auth-service's kid.
  const impostor = new TestTokenSigner(undefined, undefined, auth.kid);
  let redis: Redis;
  let relay: TestStreamPublisher;
  let keys: TestKeys;
  let now: number;
  const feeds: RevocationFeed[] = [];

  const startFeed = async (prefix = relay.keyPrefix) => {
    const feed = new RevocationFeed(
      {
        redis: REDIS_URL,
        streamKey: relay.streamKey,
        keyPrefix: prefix,
        strictBudgetMs: BUDGET_MS,
      },
      { retentionMs: RETENTION_MS, leewayMs: LEEWAY_MS, keys, clock: () => now },
    );
    feeds.push(feed);
    await feed.start();
    return feed;
  };
  /** Appends a real entry afterwards and waits for it: everything before it was read. */
  const readUpTo = async (feed: RevocationFeed) => {
    const marker = randomUUID();
    await relay.revokeSession(marker, 'u-marker', now);
    expect(await eventually(() => feed.check(tokenOf(marker)) === 'session_revoked')).toBe(true);
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.quit());
  beforeEach(async () => {
    now = 1_800_000_000_000;
    keys = new TestKeys();
    keys.trust(auth);
    relay = await new TestStreamPublisher(redis, {
      signer: auth,
      streamKey: `test:${randomUUID()}:revocations`,
      keyPrefix: 'trust-test:',
    }).init();
  });
  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
    await relay.clear();
  });

  it('ignores unsigned, foreign-signed, altered and other-deployment entries', async () => {
    const feed = await startFeed();
    const userId = randomUUID();
    await relay.changeRole(userId, 'user', now - 1000); // a real demotion
    const forger = new TestStreamPublisher(redis, { ...relayOptions(), signer: impostor });
    const unknown = new TestStreamPublisher(redis, { ...relayOptions(), signer: stranger });
    const demotion = relay.fields([{ type: 'user', id: '9', userId, role: 'user', at: now }]);
    const promoted = JSON.stringify({
      s: relay.keys.stream,
      e: relay.epoch,
      ev: [{ type: 'user', id: '9', userId, role: 'admin', at: now }],
    });
    const other = new TestStreamPublisher(redis, { ...relayOptions(), keyPrefix: 'other:' });
    await redis.xadd(
      relay.keys.stream,
      '*',
      'e',
      relay.epoch,
      't',
      'session',
      'at',
      String(now),
      'sid',
      's-plain',
    );
    await forger.publish({ type: 'session', id: '1', sessionId: 's-foreign', userId, at: now });
    await forger.publish({ type: 'user', id: '2', userId, role: 'admin', at: now });
    await redis.xadd(
      relay.keys.stream,
      '*',
      ...demotion.map((f, i) => (demotion[i - 1] === 'p' ? promoted : f)),
    );
    await redis.xadd(
      relay.keys.stream,
      '*',
      ...other.fields([{ type: 'session', id: '3', sessionId: 's-other', userId, at: now }]),
    );
    await forger.heartbeat(now);
    await unknown.publish({ type: 'session', id: '4', sessionId: 's-unknown', userId, at: now });
    await unknown.heartbeat(now);
    await readUpTo(feed);

    for (const sid of ['s-plain', 's-foreign', 's-other', 's-unknown'])
      expect(feed.check(tokenOf(sid))).toBeUndefined();
    expect(feed.check(tokenOf('s-any', userId, 'admin'))).toBe('token_stale');
    expect(feed.isFresh()).toBe(false);
    expect(feed.status().rejected).toMatchObject({
      unsigned: 1,
      bad_signature: 4,
      unknown_kid: 2,
      foreign_stream: 1,
    });
  });

  it('drops an entry with an unknown kid after one refetch, and applies it when the refetch brings the key', async () => {
    const feed = await startFeed();
    const rotated = new TestTokenSigner();
    const promoted = new TestStreamPublisher(redis, { ...relayOptions(), signer: rotated });
    await promoted.revokeSession('s-unknown', 'u-1', now);
    await readUpTo(feed);
    expect(feed.check(tokenOf('s-unknown'))).toBeUndefined();
    expect(keys.refetches).toEqual([rotated.kid]);
    expect(feed.status().rejected.unknown_kid).toBe(1);

    // auth-service promoted a new key that the guard has not fetched yet: the refetch finds it.
    keys.onRefetch = () => keys.trust(rotated);
    await promoted.revokeSession('s-promoted', 'u-1', now);
    expect(await eventually(() => feed.check(tokenOf('s-promoted')) === 'session_revoked')).toBe(
      true,
    );
  });

  it('reads nothing until it holds keys, then the whole window', async () => {
    keys.keys.clear();
    await relay.revokeSession('s-early', 'u-1', now);
    const feed = new RevocationFeed(
      { redis: REDIS_URL, streamKey: relay.streamKey, keyPrefix: relay.keyPrefix },
      { retentionMs: RETENTION_MS, leewayMs: LEEWAY_MS, keys, clock: () => now },
    );
    feeds.push(feed);
    const started = feed.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(feed.status()).toMatchObject({ caughtUp: false, rejected: { unknown_kid: 0 } });
    keys.trust(auth);
    await started;
    expect(await eventually(() => feed.check(tokenOf('s-early')) === 'session_revoked')).toBe(true);
  });

  it('lets a replayed heartbeat vouch for no more than its own time', async () => {
    const feed = await startFeed();
    const old = relay.fields([{ type: 'heartbeat', at: now }]);
    await redis.xadd(relay.keys.stream, '*', ...old);
    expect(await eventually(() => feed.isFresh())).toBe(true);
    now += BUDGET_MS + 1;
    expect(feed.isFresh()).toBe(false);
    // The same signed heartbeat, copied again into the stream later: still as old as it was.
    await redis.xadd(relay.keys.stream, '*', ...old);
    await readUpTo(feed);
    expect(feed.isFresh()).toBe(false);
  });

  it('ignores a heartbeat stamped beyond the clock leeway, even one auth-service signed', async () => {
    const feed = await startFeed();
    await relay.heartbeat(now + LEEWAY_MS + 1);
    await readUpTo(feed);
    expect(feed.isFresh()).toBe(false);
    expect(feed.status().rejected.future).toBe(1);
  });

  it('ignores events older than the retention window', async () => {
    const feed = await startFeed();
    await relay.revokeSession('s-ancient', 'u-1', now - RETENTION_MS - 1);
    await readUpTo(feed);
    expect(feed.check(tokenOf('s-ancient'))).toBeUndefined();
    expect(feed.status().rejected.stale).toBe(1);
  });

  it('does not let a replayed promotion undo a later demotion', async () => {
    const feed = await startFeed();
    const userId = randomUUID();
    const promotion = relay.fields([
      { type: 'user', id: '1', userId, role: 'admin', at: now - 5000 },
    ]);
    await redis.xadd(relay.keys.stream, '*', ...promotion);
    await relay.changeRole(userId, 'user', now - 1000);
    await redis.xadd(relay.keys.stream, '*', ...promotion);
    await readUpTo(feed);
    expect(feed.check(tokenOf('s-1', userId, 'admin'))).toBe('token_stale');
    expect(feed.check(tokenOf('s-1', userId, 'user'))).toBeUndefined();
  });

  function relayOptions() {
    return {
      signer: auth,
      streamKey: relay.streamKey,
      keyPrefix: relay.keyPrefix,
      epoch: relay.epoch,
    };
  }
});
