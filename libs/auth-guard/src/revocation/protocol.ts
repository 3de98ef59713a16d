import { ROLES } from '../constants';
import type { Role } from '../constants';

/**
 * The revocation stream shared by auth-service (writer) and every guard (readers).
 *
 * One Redis stream holds, in publication order, every event that can still matter (those
 * younger than the longest token lifetime; older entries are trimmed), plus a heartbeat
 * the relay appends about once a second after draining its outbox. Every entry carries
 * the stream's epoch: a new epoch means Redis lost its data and the relay republished
 * the window, so readers re-read the stream from its start.
 */
export const DEFAULT_REVOCATION_STREAM = 'auth:revocations';

export function revocationKeys(stream: string = DEFAULT_REVOCATION_STREAM) {
  return {
    stream,
    epoch: `${stream}:epoch`,
    /** Marks an outbox event as already appended, so a crashed relay never appends it twice. */
    published: (eventId: string) => `${stream}:published:${eventId}`,
  };
}

export type RevocationEvent =
  | { type: 'session'; id: string; sessionId: string; userId: string; at: number }
  | { type: 'user'; id: string; userId: string; role: Role; at: number }
  | { type: 'heartbeat'; at: number };

const MILLISECONDS = /^\d{1,16}$/;

/** Flattens an event into XADD field/value pairs. */
export function encodeEvent(event: RevocationEvent, epoch: string): string[] {
  const fields = ['e', epoch, 't', event.type, 'at', String(event.at)];
  if (event.type === 'session')
    fields.push('id', event.id, 'sid', event.sessionId, 'sub', event.userId);
  if (event.type === 'user') fields.push('id', event.id, 'sub', event.userId, 'role', event.role);
  return fields;
}

/** Reads an XRANGE/XREAD entry's fields back; undefined for anything malformed. */
export function decodeEvent(
  fields: string[],
): { epoch: string; event: RevocationEvent } | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i], fields[i + 1]);
  const epoch = map.get('e');
  // Number('') and Number(' ') are 0: only digits make a timestamp, anything else is malformed.
  const atText = map.get('at');
  if (!epoch || atText === undefined || !MILLISECONDS.test(atText)) return undefined;
  const at = Number(atText);
  const id = map.get('id') ?? '';
  const userId = map.get('sub') ?? '';
  switch (map.get('t')) {
    case 'heartbeat':
      return { epoch, event: { type: 'heartbeat', at } };
    case 'session': {
      const sessionId = map.get('sid');
      return sessionId
        ? { epoch, event: { type: 'session', id, sessionId, userId, at } }
        : undefined;
    }
    case 'user': {
      const role = map.get('role') as Role | undefined;
      if (!userId || !role || !ROLES.includes(role)) return undefined;
      return { epoch, event: { type: 'user', id, userId, role, at } };
    }
    default:
      return undefined;
  }
}

/**
 * What auth-service answers at `GET /auth/internal/revocations`: every event of the window,
 * read straight from its outbox. Guards fetch it only while the stream cannot answer.
 */
export interface RevocationSnapshot {
  /** auth-service's clock when the snapshot was read (milliseconds since the epoch). */
  asOf: number;
  events: Exclude<RevocationEvent, { type: 'heartbeat' }>[];
}

const ID_TEXT = /^[A-Za-z0-9-]{1,64}$/;
const isId = (value: unknown): value is string => typeof value === 'string' && ID_TEXT.test(value);
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Validates a snapshot body; undefined when anything in it is malformed. All or nothing:
 * a snapshot partly applied would vouch for news the guard does not have.
 */
export function parseSnapshot(body: unknown): RevocationSnapshot | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { asOf, events } = body as { asOf?: unknown; events?: unknown };
  if (!isTime(asOf) || !Array.isArray(events)) return undefined;
  const parsed: RevocationSnapshot['events'] = [];
  for (const item of events as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const e = item as Record<string, unknown>;
    if (!isId(e.id) || !isId(e.userId) || !isTime(e.at)) return undefined;
    if (e.type === 'session' && isId(e.sessionId)) {
      parsed.push({
        type: 'session',
        id: e.id,
        sessionId: e.sessionId,
        userId: e.userId,
        at: e.at,
      });
    } else if (e.type === 'user' && ROLES.includes(e.role as Role)) {
      parsed.push({ type: 'user', id: e.id, userId: e.userId, role: e.role as Role, at: e.at });
    } else {
      return undefined;
    }
  }
  return { asOf, events: parsed };
}
