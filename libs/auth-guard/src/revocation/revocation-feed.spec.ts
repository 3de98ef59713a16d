import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { StaticKeySource } from '../keys/key-source';
import { TestStreamPublisher, TestTokenSigner } from '../testing';
import type { RevocationEvent } from './protocol';
import { RevocationFeed } from './revocation-feed';
import { eventually, tokenOf } from '../../test/feed-helpers';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RETENTION_MS = 960_000;
const BUDGET_MS = 10_000;
const signer = new TestTokenSigner();

describe('RevocationFeed against Redis', () => {
  let redis: Redis;
  let relay: TestStreamPublisher;
  let keys: TestStreamPublisher['keys'];
  let now: number;
  const feeds: RevocationFeed[] = [];

  const session = (sessionId: string, at = now): RevocationEvent => ({
    type: 'session',
    id: randomUUID(),
    sessionId,
    userId: 'u-1',
    at,
  });
  const xadd = (event: RevocationEvent, epoch = 'epoch-1', id = '*') =>
    relay.publish(event, { epoch, id });
  const startFeed = async (redisOption: Redis | string = REDIS_URL) => {
    const feed = new RevocationFeed(
      { redis: redisOption, streamKey: relay.streamKey, strictBudgetMs: BUDGET_MS },
      {
        retentionMs: RETENTION_MS,
        leewayMs: 30_000,
        keys: new StaticKeySource(signer.jwks),
        clock: () => now,
      },
    );
    feeds.push(feed);
    await feed.start();
    return feed;
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.quit());

  beforeEach(async () => {
    now = 1_800_000_000_000;
    relay = new TestStreamPublisher(redis, {
      signer,
      streamKey: `test:${randomUUID()}:revocations`,
      epoch: 'epoch-1',
    });
    keys = relay.keys;
    await relay.init();
  });

  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
    await redis.del(keys.stream, keys.epoch);
  });

  it('knows every event published before it started once start() resolves', async () => {
    await xadd(session('s-old'));
    await xadd({ type: 'user', id: 'ev-u', userId: 'u-2', role: 'admin', at: now });
    const feed = await startFeed();
    expect(feed.status()).toMatchObject({ caughtUp: true, connected: true, eventsApplied: 2 });
    expect(feed.check(tokenOf('s-old'))).toBe('session_revoked');
    expect(feed.check(tokenOf('s-other', 'u-2', 'user'))).toBe('token_stale');
    expect(feed.check(tokenOf('s-other', 'u-2', 'admin'))).toBeUndefined();
  });

  it('catches up on a window longer than one read batch before start() resolves', async () => {
    // 150 entries of 100 events and 1000 single ones: more entries than one read returns.
    const pipeline = redis.pipeline();
    for (let i = 0; i < 150; i += 1) {
      const batch = Array.from({ length: 100 }, (_, j) => session(`s-${i * 100 + j}`));
      pipeline.xadd(keys.stream, '*', ...relay.fields(batch));
    }
    for (let i = 15_000; i < 16_000; i += 1)
      pipeline.xadd(keys.stream, '*', ...relay.fields([session(`s-${i}`)]));
    await pipeline.exec();
    const feed = await startFeed();
    expect(feed.status()).toMatchObject({ caughtUp: true, eventsApplied: 16_000 });
    expect(feed.check(tokenOf('s-0'))).toBe('session_revoked');
    expect(feed.check(tokenOf('s-15999'))).toBe('session_revoked');
  });

  it('applies events published while it runs', async () => {
    const feed = await startFeed(redis);
    expect(feed.check(tokenOf('s-live'))).toBeUndefined();
    await xadd(session('s-live'));
    expect(await eventually(() => feed.check(tokenOf('s-live')) === 'session_revoked')).toBe(true);
  });

  it('is fresh after a heartbeat and stale once strictBudgetMs passes without one', async () => {
    const feed = await startFeed();
    expect(feed.isFresh()).toBe(false);
    await xadd({ type: 'heartbeat', at: now });
    expect(await eventually(() => feed.isFresh())).toBe(true);
    now += BUDGET_MS;
    expect(feed.isFresh()).toBe(true);
    now += 1;
    expect(feed.isFresh()).toBe(false);
    await xadd({ type: 'heartbeat', at: now });
    expect(await eventually(() => feed.isFresh())).toBe(true);
  });

  it('does not let a heartbeat stamped in the future (within the leeway) extend freshness', async () => {
    const feed = await startFeed();
    await xadd({ type: 'heartbeat', at: now + 30_000 });
    expect(await eventually(() => feed.isFresh())).toBe(true);
    now += BUDGET_MS + 1;
    expect(feed.isFresh()).toBe(false);
  });

  it('re-reads the stream from its start when the epoch changes', async () => {
    await xadd(session('s-before'));
    const feed = await startFeed();
    // Redis lost its data and the window was republished under a new epoch, with entry ids
    // below the last one the feed saw (e.g. a server whose clock is behind).
    await redis.del(keys.stream);
    await redis.set(keys.epoch, 'epoch-2');
    await xadd(session('s-republished'), 'epoch-2', '1-1');
    await xadd({ type: 'heartbeat', at: now }, 'epoch-2');
    expect(await eventually(() => feed.status().epoch === 'epoch-2')).toBe(true);
    expect(await eventually(() => feed.check(tokenOf('s-republished')) !== undefined)).toBe(true);
    expect(feed.check(tokenOf('s-before'))).toBe('session_revoked');
  });

  it('recovers when the stream and its epoch key are deleted and events are added again', async () => {
    await xadd(session('s-1'));
    const feed = await startFeed();
    await redis.del(keys.stream, keys.epoch);
    await delay(50);
    // What the relay does when it finds no epoch: a new one, then the window, then heartbeats.
    await redis.set(keys.epoch, 'epoch-3', 'NX');
    await xadd(session('s-1'), 'epoch-3');
    await xadd(session('s-2'), 'epoch-3');
    await xadd({ type: 'heartbeat', at: now }, 'epoch-3');
    expect(await eventually(() => feed.check(tokenOf('s-2')) === 'session_revoked')).toBe(true);
    expect(await eventually(() => feed.status().epoch === 'epoch-3')).toBe(true);
    expect(feed.check(tokenOf('s-1'))).toBe('session_revoked');
    expect(await eventually(() => feed.isFresh())).toBe(true);
  });

  it('resumes after its connection drops, with the events published meanwhile', async () => {
    await xadd(session('s-before'));
    const feed = await startFeed();
    // Kill exactly this feed's connection (other test runs share this Redis).
    const reader = (feed as unknown as { stream: { reader: Redis } }).stream.reader;
    const killed = await redis.client('KILL', 'ADDR', `127.0.0.1:${reader.stream.localPort}`);
    expect(killed).toBe(1);
    await xadd(session('s-during'));
    expect(await eventually(() => feed.check(tokenOf('s-during')) === 'session_revoked')).toBe(
      true,
    );
    expect(feed.check(tokenOf('s-before'))).toBe('session_revoked');
    expect(feed.status().connected).toBe(true);
  });

  it('applies a repeated entry idempotently', async () => {
    const event = session('s-twice');
    await xadd(event);
    await xadd(event);
    const feed = await startFeed();
    feed.apply(event);
    expect(feed.status()).toMatchObject({ deniedSessions: 1, markedUsers: 0 });
    expect(feed.check(tokenOf('s-twice'))).toBe('session_revoked');
  });

  it('skips malformed and unsigned entries and keeps applying the ones after them', async () => {
    await redis.xadd(keys.stream, '*', 'garbage', 'yes');
    await redis.xadd(keys.stream, '*', 'e', 'epoch-1', 't', 'session', 'at', '1', 'sid', 's-bad');
    await xadd(session('s-good'));
    const feed = await startFeed();
    expect(feed.check(tokenOf('s-bad'))).toBeUndefined();
    expect(feed.check(tokenOf('s-good'))).toBe('session_revoked');
    expect(feed.status()).toMatchObject({ eventsApplied: 1, deniedSessions: 1 });
    expect(feed.status().rejected.unsigned).toBe(2);
  });

  it('keeps news for the retention window only', async () => {
    await xadd(session('s-aging'));
    const feed = await startFeed();
    now += RETENTION_MS + 1;
    feed.denyList.sweep(now);
    expect(feed.check(tokenOf('s-aging'))).toBeUndefined();
  });
});
