import { Logger } from '@nestjs/common';
import { readStreamEntry, revocationKeys, signStreamEntry } from '@hybrid-auth/auth-guard';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RelayStream } from './relay-stream';
import type { OutboxEvent } from './revocation-outbox';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW_MS = 960_000;
const own = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEYS = {
  signingKey: () => ({ kid: 'auth-1', privateKey: own.privateKey }),
  get: (kid: string) => (kid === 'auth-1' ? own.publicKey : undefined),
};

describe('RelayStream against Redis', () => {
  let redis: Redis;
  let relay: RelayStream;
  let keys: ReturnType<typeof revocationKeys>;
  let now: number;
  let nextId = 1;
  const event = (): OutboxEvent => ({
    type: 'session',
    id: String(nextId++),
    sessionId: `s-${nextId}`,
    userId: 'u-1',
    at: now,
  });
  /** Every event the stream carries in entries signed by our key, in order. */
  const published = async () =>
    (await redis.xrange(keys.stream, '-', '+')).flatMap(([, fields]) => {
      const entry = readStreamEntry(fields, keys.stream, KEYS.get);
      return entry.ok ? entry.events : [];
    });

  beforeAll(() => {
    Logger.overrideLogger(false);
    redis = new Redis(REDIS_URL);
  });
  afterAll(() => redis.quit());
  beforeEach(() => {
    now = Date.now();
    const stream = `test:${randomBytes(4).toString('hex')}:revocations`;
    keys = revocationKeys(stream, 'relay-test:');
    relay = new RelayStream(redis, { stream, prefix: 'relay-test:' }, WINDOW_MS, KEYS);
  });
  afterEach(async () => {
    const all = await redis.keys(`${keys.stream}*`);
    if (all.length > 0) await redis.del(...all);
  });

  it('tells when Redis lost entries PostgreSQL counts as appended, but not for a stranger’s entry', async () => {
    // Nothing appended yet (a fresh stream, or an older relay): nothing to miss.
    expect(await relay.lostEntries()).toBe(false);
    await relay.appendOnce([event()], 'epoch-1', now);
    await relay.heartbeat('epoch-1', now);
    expect(relay.lastSeq).toBe(2);
    expect(await relay.lostEntries()).toBe(false);
    // A genuine old entry copied to the end changes nothing while the last one is there.
    const [[, oldest]] = await redis.xrange(keys.stream, '-', '+', 'COUNT', 1);
    await redis.xadd(keys.stream, '*', ...oldest);
    expect(await relay.lostEntries()).toBe(false);
    // A promoted replica that never received the heartbeat: PostgreSQL says 2, Redis has 1.
    const [, [heartbeatId]] = await redis.xrevrange(keys.stream, '+', '-', 'COUNT', 2);
    await redis.xdel(keys.stream, heartbeatId);
    expect(await relay.lostEntries()).toBe(true);
    // An entry signed by another key, numbered high, does not hide the loss.
    const forged = signStreamEntry(
      [{ type: 'heartbeat', at: now }],
      { stream: keys.stream, epoch: 'epoch-1', seq: 99 },
      { kid: 'auth-1', privateKey: stranger.privateKey },
    );
    await redis.xadd(keys.stream, '*', ...forged);
    expect(await relay.lostEntries()).toBe(true);
    // The stream gone altogether is a loss too; a new epoch replaces the old one.
    await redis.del(keys.stream);
    expect(await relay.lostEntries()).toBe(true);
    const fresh = await relay.newEpoch();
    expect(await redis.get(keys.epoch)).toBe(fresh);
  });

  it('goes on publishing for a Redis user an older ACL denies XREVRANGE', async () => {
    const user = `relay-test-${randomBytes(4).toString('hex')}`;
    await redis.acl(
      'SETUSER',
      user,
      'on',
      '>test password',
      '~relay-test:*',
      '+@all',
      '-xrevrange',
    );
    const limited = new Redis(REDIS_URL, { username: user, password: 'test password' });
    try {
      const stream = keys.stream.slice('relay-test:'.length);
      const older = new RelayStream(limited, { stream, prefix: 'relay-test:' }, WINDOW_MS, KEYS);
      older.lastSeq = 5;
      expect(await older.lostEntries()).toBe(false);
      await older.appendOnce([event()], 'epoch-1', now);
      expect(await published()).toHaveLength(1);
    } finally {
      limited.disconnect();
      await redis.acl('DELUSER', user);
    }
  });

  it('appends an event once: a retry after a crash finds the entry its mark names', async () => {
    const events = [event(), event()];
    await relay.appendOnce(events, 'epoch-1', now);
    await relay.appendOnce(events, 'epoch-1', now);
    expect(await published()).toEqual(events);
    const [[entryId]] = await redis.xrange(keys.stream, '-', '+');
    expect(await redis.get(keys.published(events[0].id))).toBe(entryId);
  });

  it('signs one entry per batch of up to 256 events', async () => {
    const events = Array.from({ length: 600 }, event);
    await relay.appendOnce(events, 'epoch-1', now);
    expect(await redis.xlen(keys.stream)).toBe(3);
    expect(await published()).toEqual(events);
  });

  it('never lets a pre-set mark drop a real revocation', async () => {
    const events = Array.from({ length: 6 }, event);
    const other = event();
    await relay.appendOnce([other], 'epoch-1', now);
    const [[otherEntry]] = await redis.xrange(keys.stream, '-', '+');
    const forgedEntry = await redis.xadd(
      keys.stream,
      '*',
      ...signStreamEntry(
        [events[4]],
        { stream: keys.stream, epoch: 'epoch-1' },
        {
          kid: 'auth-1',
          privateKey: stranger.privateKey,
        },
      ),
    );
    const oldEpochEntry = await redis.xadd(
      keys.stream,
      '*',
      ...signStreamEntry([events[5]], { stream: keys.stream, epoch: 'epoch-0' }, KEYS.signingKey()),
    );
    // What whoever else can write to Redis might leave behind for the next outbox ids.
    const marks = ['1', '0-1', otherEntry, '9999999999999-0', forgedEntry!, oldEpochEntry!];
    for (const [i, mark] of marks.entries()) await redis.set(keys.published(events[i].id), mark);

    await relay.appendOnce(events, 'epoch-1', now);
    const carried = await published();
    for (const e of events) expect(carried).toContainEqual(e);
    expect(await redis.get(keys.published(events[0].id))).not.toBe('1');
  });

  it('signs heartbeats, bound to the stream and the epoch', async () => {
    await relay.heartbeat('epoch-7', now);
    const [[, fields]] = await redis.xrange(keys.stream, '-', '+');
    expect(readStreamEntry(fields, keys.stream, KEYS.get)).toMatchObject({
      ok: true,
      epoch: 'epoch-7',
      events: [{ type: 'heartbeat', at: now }],
    });
    expect(readStreamEntry(fields, 'other:auth:revocations', KEYS.get)).toMatchObject({
      ok: false,
      reason: 'foreign_stream',
    });
  });
});
