import { revocationKeys, signStreamEntry } from '@hybrid-auth/auth-guard';
import type { RevocationEvent } from '@hybrid-auth/auth-guard';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Redis } from 'ioredis';

/** The signed payload of a stream entry (what auth-service's relay wrote). */
export interface EntryPayload {
  s: string;
  e: string;
  ev: Record<string, unknown>[];
}

/**
 * Someone who can write to the deployment's Redis, but holds none of auth-service's keys:
 * appends entries in the old unsigned format, entries signed by keys of its own (under its
 * own kid or under auth-service's), and copies or alters the entries it finds.
 */
export class Forger {
  readonly keys: ReturnType<typeof revocationKeys>;
  private readonly redis: Redis;
  private readonly ownKey: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey;

  constructor(redisUrl: string, stream: string) {
    this.redis = new Redis(redisUrl);
    this.keys = revocationKeys(stream);
  }

  async epoch(): Promise<string> {
    return (await this.redis.get(this.keys.epoch)) ?? 'unknown';
  }

  /** The stream's entries in the signed format (real or not), with their payloads. */
  async entries(): Promise<{ fields: string[]; payload: EntryPayload }[]> {
    const all = await this.redis.xrange(this.keys.stream, '-', '+');
    return all.flatMap(([, fields]) => {
      const at = fields.indexOf('p');
      if (fields[0] !== 'v' || at < 0) return [];
      return [{ fields, payload: JSON.parse(fields[at + 1]) as EntryPayload }];
    });
  }

  /** The wire format of auth-guard 0.2: plain fields, no signature. */
  unsigned(fields: string[]): Promise<unknown> {
    return this.append(['e', 'forged-epoch', ...fields]);
  }

  /** An entry signed by the forger's own key, under its own kid or one it copied. */
  async signed(events: RevocationEvent[], kid = 'forger-key'): Promise<unknown> {
    const scope = { stream: this.keys.stream, epoch: await this.epoch() };
    return this.append(signStreamEntry(events, scope, { kid, privateKey: this.ownKey }));
  }

  /** A real entry appended again, its payload replaced by `change` (signature kept). */
  altered(fields: string[], change: (payload: EntryPayload) => EntryPayload): Promise<unknown> {
    const payload = JSON.parse(fields[fields.indexOf('p') + 1]) as EntryPayload;
    const copy = [...fields];
    copy[fields.indexOf('p') + 1] = JSON.stringify(change(payload));
    return this.append(copy);
  }

  append(fields: string[]): Promise<unknown> {
    return this.redis.xadd(this.keys.stream, '*', ...fields);
  }

  close(): Promise<unknown> {
    return this.redis.quit();
  }
}

/** The Prometheus counter of entries a guard ignored, by reason. */
export async function rejectedBy(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
  const counts: Record<string, number> = {};
  for (const [, reason, value] of text.matchAll(
    /^auth_guard_feed_rejected_total\{reason="(\w+)"\} (\d+)/gm,
  ))
    counts[reason] = Number(value);
  return counts;
}
