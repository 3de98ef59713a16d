import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isTime, parseOutboxEvent } from './protocol';
import type { RevocationEvent } from './protocol';

/**
 * The signed wire format of the revocation stream (version 2).
 *
 * A guard acts only on what auth-service signed: Redis is a carrier that many processes can
 * write, not an authority. Each stream entry carries a batch of events (or one heartbeat) as
 * one JSON payload `p`, the ES256 signature `sig` of that payload's exact bytes, and the
 * `kid` of the signing key, which every guard already trusts from the JWKS it verifies
 * access tokens with. The payload names the stream (deployment prefix included) and the
 * epoch, and holds every field a guard acts on: type, ids, role and `at`. So an entry cannot
 * be altered, forged, or copied into another deployment's stream; a replayed entry is one
 * auth-service really published, and `at` decides what it can still do (see RevocationFeed).
 *
 * Why a batch per entry, not a signature per event: ES256 costs the relay ~30-80 µs per
 * signature and each guard ~80 µs per verification. Republishing a large window (say 100 000
 * events after Redis lost its data) would cost the relay seconds inside its transaction and
 * every guard as much again before it reports ready; one signature per batch of up to 256
 * events cuts both by two orders of magnitude (bench/src/micro/stream-signing.ts measured
 * 2-6 µs per event at 256 per entry, against 170-600 µs at one, on a loaded 2-core machine),
 * and a drain of one event still costs one signature, as a per-event design would. Each entry stays self-contained (no signature spanning entries), so trimming,
 * resuming from any id and reading a single entry with XRANGE all keep working.
 *
 * Why node:crypto rather than a JOSE library: this is a detached signature over bytes we
 * produce ourselves, with one pinned algorithm. JWS would add a header to parse and an `alg`
 * to distrust, and nothing to gain.
 * The signing input starts with a fixed label, so a stream signature can never pass for an
 * access token's (whose input is base64url text) or the other way round, although the same
 * key signs both.
 */
export const STREAM_FORMAT_VERSION = '2';
export const MAX_EVENTS_PER_ENTRY = 256;
const MAX_PAYLOAD_CHARS = 256 * 1024;
const SIGNATURE_CHARS = /^[A-Za-z0-9_-]{86}$/;
const LABEL = Buffer.from('hybrid-auth revocation stream v2\n');

export interface StreamSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The stream and epoch an entry is signed for, and its sequence number: the relay numbers
 * its entries 1, 2, 3… without a hole (heartbeats included), so a guard that sees a number
 * skipped knows an entry was removed from Redis (XDEL, a crafted trim) and asks auth-service
 * for a snapshot instead of trusting the stream (RevocationFeed). Optional on the wire only
 * for entries written by relays older than guard 0.4.0.
 */
export interface StreamScope {
  stream: string;
  epoch: string;
  seq?: number;
}

export type EntryRejection =
  'unsigned' | 'malformed' | 'unknown_kid' | 'bad_signature' | 'foreign_stream';

export type StreamEntry =
  | { ok: true; kid: string; epoch: string; seq?: number; events: RevocationEvent[] }
  | { ok: false; reason: EntryRejection; kid?: string };

const signingInput = (payload: string) => Buffer.concat([LABEL, Buffer.from(payload, 'utf8')]);

/** XADD field/value pairs for a batch of events (or one heartbeat), signed. */
export function signStreamEntry(
  events: RevocationEvent[],
  scope: StreamScope,
  key: StreamSigningKey,
): string[] {
  if (events.length === 0 || events.length > MAX_EVENTS_PER_ENTRY)
    throw new Error(`a stream entry holds 1 to ${MAX_EVENTS_PER_ENTRY} events`);
  if (scope.seq !== undefined && !isSequence(scope.seq))
    throw new Error('a stream entry sequence is a positive safe integer');
  const payload = JSON.stringify({
    s: scope.stream,
    e: scope.epoch,
    ...(scope.seq === undefined ? {} : { n: scope.seq }),
    ev: events.map(wireEvent),
  });
  const signature = sign('sha256', signingInput(payload), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return [
    'v',
    STREAM_FORMAT_VERSION,
    'kid',
    key.kid,
    'p',
    payload,
    'sig',
    signature.toString('base64url'),
  ];
}

/**
 * Reads an XRANGE/XREAD entry: its events when auth-service signed it for `stream`, or why
 * not. The signature is checked before the payload is parsed, and nothing in an entry that
 * fails is used.
 */
export function readStreamEntry(
  fields: string[],
  stream: string,
  keyFor: (kid: string) => KeyObject | undefined,
): StreamEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i], fields[i + 1]);
  const kid = map.get('kid');
  const payload = map.get('p');
  const signature = map.get('sig');
  if (map.get('v') !== STREAM_FORMAT_VERSION || !kid || !payload || !signature)
    return { ok: false, reason: 'unsigned' };
  if (kid.length > 128 || payload.length > MAX_PAYLOAD_CHARS || !SIGNATURE_CHARS.test(signature))
    return { ok: false, reason: 'malformed' };
  const key = keyFor(kid);
  if (!key) return { ok: false, reason: 'unknown_kid', kid };
  const valid = verify(
    'sha256',
    signingInput(payload),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) return { ok: false, reason: 'bad_signature', kid };
  const body = parsePayload(payload);
  if (!body) return { ok: false, reason: 'malformed', kid };
  if (body.stream !== stream) return { ok: false, reason: 'foreign_stream', kid };
  return { ok: true, kid, epoch: body.epoch, seq: body.seq, events: body.events };
}

/** Exactly the fields a guard reads, in a fixed order: nothing else is signed or published. */
function wireEvent(event: RevocationEvent): RevocationEvent {
  switch (event.type) {
    case 'heartbeat':
      return { type: 'heartbeat', at: event.at };
    case 'session': {
      const { type, id, sessionId, userId, at } = event;
      return { type, id, sessionId, userId, at };
    }
    case 'user': {
      const { type, id, userId, role, at } = event;
      return { type, id, userId, role, at };
    }
    case 'client': {
      const { type, id, clientId, at } = event;
      return { type, id, clientId, at };
    }
  }
}

function parsePayload(
  payload: string,
): { stream: string; epoch: string; seq?: number; events: RevocationEvent[] } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const { s, e, n, ev } = (body ?? {}) as { s?: unknown; e?: unknown; n?: unknown; ev?: unknown };
  if (typeof s !== 'string' || typeof e !== 'string' || e.length === 0 || e.length > 64)
    return undefined;
  if (n !== undefined && !isSequence(n)) return undefined;
  if (!Array.isArray(ev) || ev.length === 0 || ev.length > MAX_EVENTS_PER_ENTRY) return undefined;
  const events: RevocationEvent[] = [];
  for (const item of ev as unknown[]) {
    const event = parseStreamEvent(item);
    if (!event) return undefined;
    events.push(event);
  }
  return { stream: s, epoch: e, seq: n as number | undefined, events };
}

const isSequence = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0;

function parseStreamEvent(item: unknown): RevocationEvent | undefined {
  const e = item as { type?: unknown; at?: unknown } | null;
  if (e?.type === 'heartbeat') return isTime(e.at) ? { type: 'heartbeat', at: e.at } : undefined;
  return parseOutboxEvent(item);
}
