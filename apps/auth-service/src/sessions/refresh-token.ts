import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens are `<sessionId>.<generation>.<secret>`: the session to look up, how many
 * rotations it has seen, and 256 bits that only the client holds (the database keeps
 * SHA-256 of the current secret, nothing else).
 *
 * The first secret is random. Each rotation derives the next one:
 *   secret[n+1] = HMAC-SHA256(serverKey, "<sessionId>.<n+1>." + secret[n])
 * which gives us, with no plaintext stored anywhere:
 * - a replay of the previous token inside the grace window can be answered with the very
 *   same new token (derive it again from what the client presented);
 * - a genuine older token, up to MAX_GENERATIONS_BACK rotations back, is recognised as such
 *   (derive forward to the current hash) and treated as theft, while a forged one (wrong
 *   secret) is just invalid and cannot be used to revoke somebody's session;
 * - a stolen old token does not yield the current one without the server key, and a
 *   database dump yields neither.
 */
export interface RefreshToken {
  sessionId: string;
  generation: number;
  secret: string;
}

const FORMAT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(0|[1-9]\d{0,8})\.([A-Za-z0-9_-]{43})$/;

/** Parses a presented refresh token; undefined for anything not of our format. */
export function parseRefreshToken(value: unknown): RefreshToken | undefined {
  if (typeof value !== 'string' || value.length > 128) return undefined;
  const match = FORMAT.exec(value);
  if (!match) return undefined;
  return { sessionId: match[1], generation: Number(match[2]), secret: match[3] };
}

export function formatRefreshToken(token: RefreshToken): string {
  return `${token.sessionId}.${token.generation}.${token.secret}`;
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function deriveNextSecret(
  key: Buffer,
  sessionId: string,
  nextGeneration: number,
  secret: string,
): string {
  return createHmac('sha256', key)
    .update(`${sessionId}.${nextGeneration}.${secret}`)
    .digest('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of two SHA-256 digests. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * How far back a presented token is checked. Reuse detection needs to recognise the previous
 * token (the grace replay, or theft after the window) and the few older ones a thief who
 * copied a token some rotations ago might replay. Each generation back costs one HMAC, spent
 * while the session row is locked, and the presented generation is the caller's to choose:
 * a deep walk would let a forger buy thousands of HMACs under our lock for one request. So
 * anything further back is simply invalid, and the session is NOT revoked for it: nothing
 * distinguishes it from a forgery without the walk, and a forger must never end sessions.
 */
export const MAX_GENERATIONS_BACK = 8;

export type TokenStanding =
  | { kind: 'current' }
  | { kind: 'previous'; currentSecret: string }
  | { kind: 'older' }
  /** A wrong secret, a generation ahead, or one too far back to check: all just invalid. */
  | { kind: 'forged' };

/**
 * Where a presented token stands against the session's current generation and hash:
 * walks the derivation chain forward from the presented secret to the current one, in at
 * most `maxBack` HMACs (MAX_GENERATIONS_BACK unless told fewer).
 */
export function standing(
  key: Buffer,
  token: RefreshToken,
  current: { generation: number; hash: Buffer },
  maxBack = MAX_GENERATIONS_BACK,
): TokenStanding {
  const behind = current.generation - token.generation;
  if (behind < 0 || behind > Math.min(maxBack, MAX_GENERATIONS_BACK)) return { kind: 'forged' };
  let secret = token.secret;
  for (let generation = token.generation + 1; generation <= current.generation; generation += 1) {
    secret = deriveNextSecret(key, token.sessionId, generation, secret);
  }
  if (!sameHash(hashSecret(secret), current.hash)) return { kind: 'forged' };
  if (behind === 0) return { kind: 'current' };
  if (behind === 1) return { kind: 'previous', currentSecret: secret };
  return { kind: 'older' };
}
