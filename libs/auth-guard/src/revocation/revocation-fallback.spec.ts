import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { StaticKeySource } from '../keys/key-source';
import { TestStreamPublisher, TestTokenSigner } from '../testing';
import type { RevocationSnapshot } from './protocol';
import { RevocationFeed } from './revocation-feed';
import { eventually, tokenOf } from '../../test/feed-helpers';

// Nothing listens on port 1: the stream cannot answer at all.
const DEAD_REDIS = 'redis://127.0.0.1:1';
const REDIS_URL = 'redis://127.0.0.1:6379';
const SECRET = 'fallback-secret-for-tests-0123456789abcdef';
const BUDGET_MS = 10_000;
const signer = new TestTokenSigner();

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Stands in for auth-service's snapshot endpoint; the real one is tested in auth-service. */
class SnapshotServer {
  requests: IncomingMessage[] = [];
  events: RevocationSnapshot['events'] = [];
  asOf = 0;
  handler: Handler | undefined;
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/auth/internal/revocations`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(req);
      if (this.handler) return this.handler(req, res);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ asOf: this.asOf, events: this.events }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

describe('RevocationFeed fallback to auth-service snapshots', () => {
  let now: number;
  let server: SnapshotServer;
  const feeds: RevocationFeed[] = [];

  const startFeed = async (
    overrides: {
      redis?: string;
      streamKey?: string;
      maxBytes?: number;
      timeoutMs?: number;
      startupTimeoutMs?: number;
    } = {},
  ) => {
    const feed = new RevocationFeed(
      {
        redis: overrides.redis ?? DEAD_REDIS,
        streamKey: overrides.streamKey,
        strictBudgetMs: BUDGET_MS,
        startupTimeoutMs: overrides.startupTimeoutMs ?? 3000,
        fallback: {
          url: server.url,
          secret: SECRET,
          intervalMs: 50,
          // Generous unless a test is about timeouts: on a loaded machine a healthy poll of the
          // local server could otherwise take longer than half a second and count as a failure.
          timeoutMs: overrides.timeoutMs ?? 5000,
          maxBytes: overrides.maxBytes,
        },
      },
      {
        retentionMs: 960_000,
        leewayMs: 30_000,
        keys: new StaticKeySource(signer.jwks),
        clock: () => now,
      },
    );
    feeds.push(feed);
    await feed.start();
    return feed;
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    now = 1_800_000_000_000;
    server = new SnapshotServer();
    server.asOf = now;
    server.events = [
      { type: 'session', id: '1', sessionId: 's-revoked', userId: 'u-1', at: now - 1000 },
      { type: 'user', id: '2', userId: 'u-2', role: 'admin', at: now - 1000 },
    ];
    await server.start();
  });

  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
    await server.stop();
  });

  it('with Redis unreachable, start() resolves once a snapshot was applied, and the guard is current', async () => {
    const feed = await startFeed();
    expect(feed.check(tokenOf('s-revoked'))).toBe('session_revoked');
    expect(feed.check(tokenOf('s-other', 'u-2', 'user'))).toBe('token_stale');
    expect(feed.check(tokenOf('s-fine'))).toBeUndefined();
    expect(feed.isFresh()).toBe(true);
    expect(feed.status()).toMatchObject({
      connected: false,
      caughtUp: false,
      source: 'fallback',
      fallback: { failures: 0, lastSuccessAgeMs: 0 },
    });
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(server.requests[0].method).toBe('GET');
  });

  it('keeps polling while the stream is out of touch: a new revocation arrives within a poll or two', async () => {
    const feed = await startFeed();
    server.events = [
      ...server.events,
      { type: 'session', id: '3', sessionId: 's-later', userId: 'u-3', at: now },
    ];
    expect(await eventually(() => feed.check(tokenOf('s-later')) === 'session_revoked')).toBe(true);
  });

  it('stays fresh only as long as snapshots keep succeeding: strict routes stop after the budget', async () => {
    const feed = await startFeed();
    server.handler = (_req, res) => {
      res.statusCode = 503;
      res.end('{"code":"unavailable"}');
    };
    const fetches = feed.status().fallback!.fetches;
    expect(await eventually(() => feed.status().fallback!.failures >= 2)).toBe(true);
    expect(feed.status().fallback!.fetches).toBeGreaterThan(fetches);
    now += BUDGET_MS - 1;
    expect(feed.isFresh()).toBe(true);
    now += 2;
    expect(feed.isFresh()).toBe(false);
    expect(feed.status().source).toBe('none');
    // What it learned is kept while the link is broken.
    expect(feed.check(tokenOf('s-revoked'))).toBe('session_revoked');

    server.handler = undefined;
    expect(await eventually(() => feed.isFresh())).toBe(true);
  });

  it.each<[string, Handler]>([
    ['a 401 (wrong secret)', (_q, s) => ((s.statusCode = 401), s.end('{}'))],
    ['a 500', (_q, s) => ((s.statusCode = 500), s.end('oops'))],
    ['non-JSON', (_q, s) => s.end('<html>not json</html>')],
    ['JSON null', (_q, s) => s.end('null')],
    ['an array', (_q, s) => s.end('[]')],
    ['a string asOf', (_q, s) => s.end('{"asOf":"1","events":[]}')],
    ['a negative asOf', (_q, s) => s.end('{"asOf":-1,"events":[]}')],
    ['events not an array', (_q, s) => s.end('{"asOf":1,"events":{}}')],
    [
      'one bad event among good ones (all or nothing)',
      (_q, s) =>
        s.end(
          JSON.stringify({
            asOf: 1,
            events: [
              { type: 'session', id: '9', sessionId: 's-partial', userId: 'u-9', at: 1 },
              { type: 'user', id: '10', userId: 'u-9', role: 'root', at: 1 },
            ],
          }),
        ),
    ],
    [
      'an id with injection characters',
      (_q, s) =>
        s.end(
          JSON.stringify({
            asOf: 1,
            events: [{ type: 'session', id: '1', sessionId: 's\nx', userId: 'u', at: 1 }],
          }),
        ),
    ],
    [
      'a heartbeat event (not part of a snapshot)',
      (_q, s) => s.end('{"asOf":1,"events":[{"type":"heartbeat","at":1}]}'),
    ],
    [
      'a redirect (never followed)',
      (_q, s) => ((s.statusCode = 302), s.setHeader('location', 'http://127.0.0.1:1/'), s.end()),
    ],
    [
      'a body larger than maxBytes',
      (_q, s) => s.end(`{"asOf":1,"events":[],"pad":"${'x'.repeat(20_000)}"}`),
    ],
    ['a body that never ends (timeout)', (_q, s) => s.write('{"asOf":1,')],
  ])(
    'refuses %s without crashing, applying nothing and vouching for nothing',
    async (_name, handler) => {
      server.handler = handler;
      const feed = await startFeed({ maxBytes: 10_000, timeoutMs: 200, startupTimeoutMs: 100 });
      expect(await eventually(() => feed.status().fallback!.failures >= 2)).toBe(true);
      expect(feed.isFresh()).toBe(false);
      expect(feed.status()).toMatchObject({ source: 'none', eventsApplied: 0 });
      expect(feed.check(tokenOf('s-partial', 'u-9'))).toBeUndefined();
      // Never followed anywhere else.
      expect(server.requests.every((req) => req.url === '/auth/internal/revocations')).toBe(true);
    },
  );

  describe('with Redis up', () => {
    let redis: Redis;
    let relay: TestStreamPublisher;

    beforeAll(() => {
      redis = new Redis(REDIS_URL);
    });
    afterAll(() => redis.quit());
    beforeEach(async () => {
      relay = await new TestStreamPublisher(redis, {
        signer,
        streamKey: `test:${randomUUID()}:revocations`,
      }).init();
      await relay.heartbeat(now);
    });
    afterEach(() => relay.clear());

    it('asks auth-service for nothing while the stream heartbeats, and falls back once it goes silent', async () => {
      const feed = await startFeed({ redis: REDIS_URL, streamKey: relay.streamKey });
      // On a loaded machine the first snapshot can come before Redis has answered.
      expect(await eventually(() => feed.status().source === 'stream')).toBe(true);
      expect(feed.status()).toMatchObject({ connected: true, caughtUp: true });
      // Counted where the guard sends, not where the server receives: a poll sent before the
      // stream took over can reach the server late on a loaded machine.
      const fetches = () => feed.status().fallback!.fetches;
      const asked = fetches();
      await delay(300);
      expect(fetches()).toBe(asked);
      // The stream says nothing for 3 s (three missed relay heartbeats): the snapshot takes over.
      now += 3001;
      expect(await eventually(() => fetches() > asked)).toBe(true);
      expect(await eventually(() => feed.status().source === 'fallback')).toBe(true);
      expect(feed.check(tokenOf('s-revoked'))).toBe('session_revoked');
      // A heartbeat again: polling stops.
      await relay.heartbeat(now);
      expect(await eventually(() => feed.status().source === 'stream')).toBe(true);
      await delay(100);
      const seen = fetches();
      await delay(300);
      expect(fetches()).toBe(seen);
    });

    it('notices an entry removed from Redis by the hole in the numbering, and learns what it held from a snapshot', async () => {
      const feed = await startFeed({ redis: REDIS_URL, streamKey: relay.streamKey });
      expect(feed.status()).toMatchObject({ source: 'stream', sequenceGaps: 0, gapOpen: false });
      // Someone with write access to Redis deleted entry n (a revocation) before this guard
      // read it: the guard sees n - 1, then n + 1. (Publishing n and racing the guard's
      // blocking read with XDEL would make the test depend on timing.)
      relay.seq += 1;
      server.events = [
        ...server.events,
        { type: 'session', id: '7', sessionId: 's-deleted', userId: 'u-7', at: now },
      ];
      const requestsBefore = server.requests.length;
      // Snapshots fail for now: the hole must keep the stream from vouching for the news.
      server.handler = (_req, res) => {
        res.statusCode = 503;
        res.end('{"code":"unavailable"}');
      };
      await relay.heartbeat(now);
      expect(await eventually(() => feed.status().sequenceGaps === 1)).toBe(true);
      expect(feed.check(tokenOf('s-deleted', 'u-7'))).toBeUndefined();
      expect(feed.isFresh()).toBe(false);
      expect(feed.status()).toMatchObject({ source: 'none', gapOpen: true });
      // Asked at once, not at the next poll, and again until auth-service answers.
      expect(await eventually(() => server.requests.length > requestsBefore)).toBe(true);
      server.handler = undefined;
      expect(
        await eventually(() => feed.check(tokenOf('s-deleted', 'u-7')) === 'session_revoked'),
      ).toBe(true);
      expect(await eventually(() => !feed.status().gapOpen)).toBe(true);
      await relay.heartbeat(now);
      expect(await eventually(() => feed.status().source === 'stream')).toBe(true);
      expect(feed.status().sequenceGaps).toBe(1);
    });

    it('without a snapshot to ask, a hole keeps strict routes refusing until the window has passed', async () => {
      const feed = new RevocationFeed(
        { redis: REDIS_URL, streamKey: relay.streamKey, strictBudgetMs: BUDGET_MS },
        {
          retentionMs: 960_000,
          leewayMs: 30_000,
          keys: new StaticKeySource(signer.jwks),
          clock: () => now,
        },
      );
      feeds.push(feed);
      await feed.start();
      expect(feed.isFresh()).toBe(true);
      await relay.heartbeat(now);
      await relay.publish({ type: 'heartbeat', at: now }, { seq: relay.seq + 2 });
      expect(await eventually(() => feed.status().sequenceGaps === 1)).toBe(true);
      expect(feed.isFresh()).toBe(false);
      now += 960_001;
      await relay.heartbeat(now);
      expect(await eventually(() => feed.isFresh())).toBe(true);
      expect(feed.status()).toMatchObject({ gapOpen: false, sequenceGaps: 1 });
    });

    it('follows numbered entries without alarm, across an epoch change as the relay numbers on', async () => {
      const feed = await startFeed({ redis: REDIS_URL, streamKey: relay.streamKey });
      for (let i = 0; i < 5; i += 1) await relay.revokeSession(`s-${i}`, 'u-1', now);
      await relay.heartbeat(now);
      expect(await eventually(() => feed.check(tokenOf('s-4')) === 'session_revoked')).toBe(true);
      // Redis lost its data: a new epoch, the window republished, the numbers going on.
      await relay.clear();
      const epoch = randomUUID();
      await redis.set(relay.keys.epoch, epoch);
      await relay.publish(
        { type: 'session', id: '9', sessionId: 's-new-epoch', userId: 'u-1', at: now },
        { epoch },
      );
      await relay.publish({ type: 'heartbeat', at: now }, { epoch });
      expect(await eventually(() => feed.check(tokenOf('s-new-epoch')) === 'session_revoked')).toBe(
        true,
      );
      expect(await eventually(() => feed.status().epoch === epoch)).toBe(true);
      expect(feed.status()).toMatchObject({ sequenceGaps: 0, gapOpen: false });
    });

    it('cannot be made to miss a hole by a forged epoch key or old entries copied back in', async () => {
      const feed = await startFeed({ redis: REDIS_URL, streamKey: relay.streamKey });
      const old = await redis.xrange(relay.keys.stream, '-', '+');
      for (let i = 0; i < 3; i += 1) await relay.heartbeat(now);
      expect(await eventually(() => feed.status().lastEntryId !== old.at(-1)![0])).toBe(true);
      // The attacker removes entry n, points the epoch key elsewhere (the guard reads the
      // stream again from its start) and copies old, genuinely signed entries back in.
      relay.seq += 1;
      await redis.set(relay.keys.epoch, randomUUID());
      for (const [, fields] of old) await redis.xadd(relay.keys.stream, '*', ...fields);
      const asked = server.requests.length;
      await relay.heartbeat(now);
      expect(await eventually(() => feed.status().sequenceGaps === 1)).toBe(true);
      // …and asks auth-service for what the removed entry held.
      expect(await eventually(() => server.requests.length > asked)).toBe(true);
    });
  });

  it('stops promptly even while waiting between polls or on a hanging request', async () => {
    server.handler = () => undefined; // never answers
    const feed = await startFeed({ timeoutMs: 60_000, startupTimeoutMs: 100 });
    await delay(100);
    const stopping = feed.stop();
    feeds.splice(feeds.indexOf(feed), 1);
    const outcome = await Promise.race([stopping.then(() => 'stopped'), delay(2000, 'hung')]);
    expect(outcome).toBe('stopped');
  });
});
