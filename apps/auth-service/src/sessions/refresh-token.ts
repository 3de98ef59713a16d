import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

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
 * - any genuine older token is recognised as such (derive forward to the current hash)
 *   and treated as theft, while a forged one (wrong secret) is just invalid and cannot be
 *   used to revoke somebody's session;
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

/** Beyond this many rotations back, a token is not verified (bounded CPU) and simply invalid. */
const MAX_GENERATIONS_BACK = 10_000;

export type TokenStanding =
  | { kind: 'current' }
  | { kind: 'previous'; currentSecret: string }
  | { kind: 'older' }
  | { kind: 'forged' };

/**
 * Where a presented token stands against the session's current generation and hash:
 * walks the derivation chain forward from the presented secret to the current one.
 */
export function standing(
  key: Buffer,
  token: RefreshToken,
  current: { generation: number; hash: Buffer },
): TokenStanding {
  const behind = current.generation - token.generation;
  if (behind < 0 || behind > MAX_GENERATIONS_BACK) return { kind: 'forged' };
  let secret = token.secret;
  for (let generation = token.generation + 1; generation <= current.generation; generation += 1) {
    secret = deriveNextSecret(key, token.sessionId, generation, secret);
  }
  if (!sameHash(hashSecret(secret), current.hash)) return { kind: 'forged' };
  if (behind === 0) return { kind: 'current' };
  if (behind === 1) return { kind: 'previous', currentSecret: secret };
  return { kind: 'older' };
}

/**
 * The access token handed out with a rotation, kept for the grace window so that a replay
 * gets the very same pair. It is sealed (AES-256-GCM) under a key derived from the server
 * key and the secret the replay must present, which is stored nowhere: a database dump
 * reveals no usable access token.
 */
function graceKey(key: Buffer, sessionId: string, generation: number, presented: string): Buffer {
  return createHmac('sha256', key)
    .update(`grace-access.${sessionId}.${generation}.${presented}`)
    .digest();
}

export function sealGraceAnswer(
  key: Buffer,
  sessionId: string,
  generation: number,
  presented: string,
  accessToken: string,
): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', graceKey(key, sessionId, generation, presented), iv);
  const sealed = Buffer.concat([cipher.update(accessToken, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The sealed access token, or undefined when it cannot be opened with what was presented. */
export function openGraceAnswer(
  key: Buffer,
  sessionId: string,
  generation: number,
  presented: string,
  sealed: Buffer | null,
): string | undefined {
  if (!sealed || sealed.length <= 28) return undefined;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      graceKey(key, sessionId, generation, presented),
      sealed.subarray(0, 12),
    );
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
