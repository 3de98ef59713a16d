import { readStreamEntry } from '@hybrid-auth/auth-guard';
import type { RevocationEvent, revocationKeys, StreamSigningKey } from '@hybrid-auth/auth-guard';
import type { Redis } from 'ioredis';
import type { KeyObject } from 'node:crypto';
import type { OutboxEvent } from './revocation-outbox';

/** What the relay needs of the signing keys: the one that signs, and every published one. */
export interface StreamKeys {
  signingKey(): StreamSigningKey;
  get(kid: string): KeyObject | undefined;
}

const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * True when `mark` (the value of an event's `published` key) names a stream entry that is
 * still in the stream, verifies with one of our keys, belongs to this epoch, and carries
 * exactly this event. Redis is writable by more than the relay; only the entry itself,
 * checked like a guard checks it, proves the event was published.
 */
export async function isPublishedAs(
  redis: Redis,
  keys: ReturnType<typeof revocationKeys>,
  signing: StreamKeys,
  mark: string,
  event: OutboxEvent,
  epoch: string,
): Promise<boolean> {
  if (!ENTRY_ID.test(mark)) return false;
  const [found] = await redis.xrange(keys.stream, mark, mark);
  if (!found) return false;
  const entry = readStreamEntry(found[1], keys.stream, (kid) => signing.get(kid));
  if (!entry.ok || entry.epoch !== epoch) return false;
  return entry.events.some((carried) => sameEvent(carried, event));
}

function sameEvent(carried: RevocationEvent, event: OutboxEvent): boolean {
  if (carried.type !== event.type || carried.at !== event.at) return false;
  if (carried.type === 'session' && event.type === 'session')
    return (
      carried.id === event.id &&
      carried.sessionId === event.sessionId &&
      carried.userId === event.userId
    );
  if (carried.type === 'user' && event.type === 'user')
    return (
      carried.id === event.id && carried.userId === event.userId && carried.role === event.role
    );
  if (carried.type === 'client' && event.type === 'client')
    return carried.id === event.id && carried.clientId === event.clientId;
  return false;
}
