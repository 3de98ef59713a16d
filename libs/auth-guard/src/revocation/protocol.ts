import { ROLES } from '../constants';
import type { Role } from '../constants';

/**
 * The revocation stream shared by auth-service (writer) and every guard (readers).
 *
 * One Redis stream holds, in publication order, every event that can still matter (those
 * younger than the longest token lifetime; older entries are trimmed), plus a heartbeat
 * the relay appends about once a second after draining its outbox. Every entry is signed by
 * auth-service (see stream-entry.ts) and names the stream's epoch: a new epoch means Redis
 * lost its data and the relay republished the window, so readers re-read the stream.
 */
export const DEFAULT_REVOCATION_STREAM = 'auth:revocations';

/**
 * Every Redis key of a deployment starts with its prefix, so two deployments can share one
 * Redis without reading each other's news, and ACLs can grant a deployment's keys by glob.
 * One segment ending in ':' and no glob characters: `a:*` must never match the keys of a
 * deployment named `a:b:` or `ab:`, or one deployment's ACL would reach another's keys.
 */
export const DEFAULT_REDIS_PREFIX = 'hybrid-auth:';
export const REDIS_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}:$/;

export function revocationKeys(
  stream: string = DEFAULT_REVOCATION_STREAM,
  prefix: string = DEFAULT_REDIS_PREFIX,
) {
  const key = `${prefix}${stream}`;
  return {
    stream: key,
    epoch: `${key}:epoch`,
    /** The stream entry that carries an outbox event, so a retry never appends it twice. */
    published: (eventId: string) => `${key}:published:${eventId}`,
  };
}

export type RevocationEvent =
  | { type: 'session'; id: string; sessionId: string; userId: string; at: number }
  | { type: 'user'; id: string; userId: string; role: Role; at: number }
  /** A machine client was disabled: tokens it obtained by exchange (`act.sub`) are refused. */
  | { type: 'client'; id: string; clientId: string; at: number }
  | { type: 'heartbeat'; at: number };

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
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && ID_TEXT.test(value);
/** A client id of AUTH_CLIENTS_FILE (never a UUID, but of a wider alphabet). */
const CLIENT_ID_TEXT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** One outbox event from its JSON form; undefined for anything malformed. */
export function parseOutboxEvent(item: unknown): RevocationSnapshot['events'][number] | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const e = item as Record<string, unknown>;
  if (!isId(e.id) || !isTime(e.at)) return undefined;
  if (e.type === 'client') {
    const ok = typeof e.clientId === 'string' && CLIENT_ID_TEXT.test(e.clientId);
    return ok ? { type: 'client', id: e.id, clientId: e.clientId as string, at: e.at } : undefined;
  }
  if (!isId(e.userId)) return undefined;
  if (e.type === 'session' && isId(e.sessionId)) {
    return { type: 'session', id: e.id, sessionId: e.sessionId, userId: e.userId, at: e.at };
  }
  if (e.type === 'user' && ROLES.includes(e.role as Role)) {
    return { type: 'user', id: e.id, userId: e.userId, role: e.role as Role, at: e.at };
  }
  return undefined;
}

/**
 * Validates a snapshot body; undefined when anything in it is malformed. All or nothing:
 * a snapshot partly applied would vouch for news the guard does not have.
 *
 * The snapshot is not signed, and need not be: it comes from auth-service itself, over the
 * same connection and from the same origin as the JWKS that every signature check on the
 * stream relies on. Whoever can alter that answer can already replace the public keys
 * (and so sign anything); signing the snapshot would add no trust the keys do not already
 * rest on. What protects both is the transport (HTTPS between services in production) and
 * the bearer secret; Redis, which many processes can write, is the carrier that needed
 * signatures.
 */
export function parseSnapshot(body: unknown): RevocationSnapshot | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { asOf, events } = body as { asOf?: unknown; events?: unknown };
  if (!isTime(asOf) || !Array.isArray(events)) return undefined;
  const parsed: RevocationSnapshot['events'] = [];
  for (const item of events as unknown[]) {
    const event = parseOutboxEvent(item);
    if (!event) return undefined;
    parsed.push(event);
  }
  return { asOf, events: parsed };
}
