import { Logger } from '@nestjs/common';
import {
  MAX_EVENTS_PER_ENTRY,
  readStreamEntry,
  revocationKeys,
  signStreamEntry,
} from '@hybrid-auth/auth-guard';
import type { RevocationEvent, StreamSigningKey } from '@hybrid-auth/auth-guard';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { isPublishedAs } from './published-marks';
import type { OutboxEvent } from './revocation-outbox';
import type { StreamKeys } from './published-marks';

// Appends one signed entry, trims entries older than the retention window (MINID: stream ids
// are Redis's clock in milliseconds), and marks every outbox event it carries with the id of
// the entry, in one step: a mark never exists without its entry having been appended.
const APPEND_AND_MARK = `
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[2], '*', unpack(ARGV, 3))
for i = 2, #KEYS do redis.call('SET', KEYS[i], id, 'EX', ARGV[1]) end
return id`;

// How many of the newest entries are searched for the last one appended.
const LOSS_SCAN = 32;

/** The relay's side of the revocation stream: epoch, signed appends, heartbeats. */
export class RelayStream {
  private readonly logger = new Logger('RevocationRelay');
  private readonly keys: ReturnType<typeof revocationKeys>;
  /**
   * The number of the last entry appended; each entry signs the next one (heartbeats too), so
   * guards can tell when an entry went missing. RevocationRelay loads it from PostgreSQL
   * before each drain and stores it back in the same transaction.
   */
  lastSeq = 0;
  private lossCheckDenied = false;

  constructor(
    private readonly redis: Redis,
    scope: { stream: string; prefix: string },
    private readonly windowMs: number,
    private readonly signing: StreamKeys,
  ) {
    this.keys = revocationKeys(scope.stream, scope.prefix);
  }

  /**
   * The stream's epoch. A missing epoch means Redis lost its data (or never had any): a new
   * one is set and `created` tells the caller to republish the whole window.
   */
  async epoch(): Promise<{ epoch: string; created: boolean }> {
    const current = await this.redis.get(this.keys.epoch);
    if (current) return { epoch: current, created: false };
    const fresh = randomUUID();
    const set = await this.redis.set(this.keys.epoch, fresh, 'NX');
    if (set === 'OK') return { epoch: fresh, created: true };
    return { epoch: (await this.redis.get(this.keys.epoch)) ?? fresh, created: false };
  }

  /**
   * True when Redis kept the epoch but lost entries PostgreSQL counts as appended: none of
   * the newest entries is ours with the number of the last one appended (`lastSeq`). That
   * is what a promoted replica looks like when asynchronous replication had not sent it the
   * last writes. Only our own signed entries count, so a copy of an old entry put back in
   * does not trigger it; whoever can write to Redis could delete the epoch anyway, which
   * makes the relay republish the same way. Bounded: one read of LOSS_SCAN entries.
   */
  async lostEntries(): Promise<boolean> {
    if (this.lastSeq === 0 || this.lossCheckDenied) return false;
    let newest: [string, string[]][];
    try {
      newest = await this.redis.xrevrange(this.keys.stream, '+', '-', 'COUNT', LOSS_SCAN);
    } catch (error) {
      // An ACL written before this check (no +xrevrange): publishing must go on without it.
      if (!(error instanceof Error) || !error.message.startsWith('NOPERM')) throw error;
      this.lossCheckDenied = true;
      this.logger.warn(
        'the Redis user may not run XREVRANGE: a failover that loses stream entries is not detected (grant +xrevrange)',
      );
      return false;
    }
    return !newest.some(([, fields]) => {
      const entry = readStreamEntry(fields, this.keys.stream, (kid) => this.signing.get(kid));
      return entry.ok && entry.seq !== undefined && entry.seq >= this.lastSeq;
    });
  }

  /** A new epoch, replacing the current one: guards then read the stream from its start. */
  async newEpoch(): Promise<string> {
    const fresh = randomUUID();
    await this.redis.set(this.keys.epoch, fresh);
    return fresh;
  }

  /**
   * Appends outbox events once each, in the given order. A `published` mark names the entry
   * that carried the event; it only counts when that entry is really in the stream, signed
   * by us, for this epoch, with the same event. Anything else (a mark left by whoever else
   * can write to Redis, or an entry trimmed or deleted since) is logged and appended again:
   * a mark must never drop a real revocation. An extra copy is harmless.
   */
  async appendOnce(events: OutboxEvent[], epoch: string, now: number): Promise<void> {
    if (events.length === 0) return;
    const marks = await this.redis.mget(events.map((event) => this.keys.published(event.id)));
    const pending: OutboxEvent[] = [];
    for (const [i, event] of events.entries()) {
      const mark = marks[i];
      if (mark === null) pending.push(event);
      else if (!(await isPublishedAs(this.redis, this.keys, this.signing, mark, event, epoch))) {
        this.logger.warn({
          msg: 'published mark without its stream entry: appending the event again',
          event: event.id,
        });
        pending.push(event);
      }
    }
    await this.append(pending, epoch, now);
  }

  /**
   * Appends events in signed entries of up to MAX_EVENTS_PER_ENTRY each, marking each
   * event published (also used to republish the window under a new epoch).
   */
  async append(events: RevocationEvent[], epoch: string, now: number): Promise<void> {
    if (events.length === 0) return;
    const key = this.signing.signingKey();
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_ENTRY) {
      const batch = events.slice(start, start + MAX_EVENTS_PER_ENTRY);
      const marks = batch.flatMap((event) =>
        'id' in event ? [this.keys.published(event.id)] : [],
      );
      pipeline.eval(
        APPEND_AND_MARK,
        1 + marks.length,
        this.keys.stream,
        ...marks,
        Math.ceil(this.windowMs / 1000),
        String(now - this.windowMs),
        ...this.fields(batch, epoch, key),
      );
    }
    await execOrThrow(pipeline);
  }

  /** "Everything committed before `at` is in the stream." */
  async heartbeat(epoch: string, at: number): Promise<void> {
    const fields = this.fields([{ type: 'heartbeat', at }], epoch, this.signing.signingKey());
    await this.redis.xadd(
      this.keys.stream,
      'MINID',
      '~',
      String(at - this.windowMs),
      '*',
      ...fields,
    );
  }

  /** Signs the next entry. Its number is taken here, in the order the entries are sent. */
  private fields(events: RevocationEvent[], epoch: string, key: StreamSigningKey): string[] {
    this.lastSeq += 1;
    return signStreamEntry(events, { stream: this.keys.stream, epoch, seq: this.lastSeq }, key);
  }

  get streamKey(): string {
    return this.keys.stream;
  }
}

async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}
