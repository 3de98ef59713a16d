import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  deriveNextSecret,
  formatRefreshToken,
  hashSecret,
  openGraceAnswer,
  parseRefreshToken,
  randomSecret,
  sameHash,
  sealGraceAnswer,
  standing,
} from './refresh-token';
import type { RefreshToken } from './refresh-token';

const key = randomBytes(32);
const sessionId = randomUUID();

/** The token after `rotations` rotations of a session that started with `secret`. */
function rotated(secret: string, rotations: number, withKey = key): RefreshToken {
  let current = secret;
  for (let generation = 1; generation <= rotations; generation += 1) {
    current = deriveNextSecret(withKey, sessionId, generation, current);
  }
  return { sessionId, generation: rotations, secret: current };
}

/** What the database holds for a session at `token`. */
const stored = (token: RefreshToken) => ({
  generation: token.generation,
  hash: hashSecret(token.secret),
});

describe('refresh token format', () => {
  it('round-trips through format and parse', () => {
    const token = { sessionId, generation: 42, secret: randomSecret() };
    expect(parseRefreshToken(formatRefreshToken(token))).toEqual(token);
  });

  it('makes secrets of 256 random bits, never twice the same', () => {
    const secret = randomSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomSecret()).not.toBe(secret);
  });

  it.each([
    ['a number', 12345],
    ['null', null],
    ['an object', { sessionId }],
    ['an empty string', ''],
    ['garbage', 'garbage'],
    ['a missing secret', `${sessionId}.0.`],
    ['a short secret', `${sessionId}.0.${'a'.repeat(42)}`],
    ['a long secret', `${sessionId}.0.${'a'.repeat(44)}`],
    ['a secret with padding', `${sessionId}.0.${'a'.repeat(42)}=`],
    ['an upper-case session id', `${sessionId.toUpperCase()}.0.${'a'.repeat(43)}`],
    ['a session id that is not a UUID', `${'x'.repeat(36)}.0.${'a'.repeat(43)}`],
    ['a generation with a leading zero', `${sessionId}.01.${'a'.repeat(43)}`],
    ['a negative generation', `${sessionId}.-1.${'a'.repeat(43)}`],
    ['a generation of ten digits', `${sessionId}.1234567890.${'a'.repeat(43)}`],
    ['surrounding whitespace', ` ${sessionId}.0.${'a'.repeat(43)} `],
    ['10 kB', 'a'.repeat(10 * 1024)],
  ])('rejects %s', (_label, value) => {
    expect(parseRefreshToken(value)).toBeUndefined();
  });
});

describe('deriveNextSecret', () => {
  const secret = randomSecret();

  it('is deterministic, and a 256-bit base64url secret like the first one', () => {
    const next = deriveNextSecret(key, sessionId, 1, secret);
    expect(deriveNextSecret(key, sessionId, 1, secret)).toBe(next);
    expect(
      parseRefreshToken(formatRefreshToken({ sessionId, generation: 1, secret: next })),
    ).toBeDefined();
  });

  it('depends on the server key, the session, the generation and the previous secret', () => {
    const next = deriveNextSecret(key, sessionId, 1, secret);
    expect(deriveNextSecret(randomBytes(32), sessionId, 1, secret)).not.toBe(next);
    expect(deriveNextSecret(key, randomUUID(), 1, secret)).not.toBe(next);
    expect(deriveNextSecret(key, sessionId, 2, secret)).not.toBe(next);
    expect(deriveNextSecret(key, sessionId, 1, randomSecret())).not.toBe(next);
  });
});

describe('hashSecret and sameHash', () => {
  it('hash with SHA-256', () => {
    const secret = randomSecret();
    expect(hashSecret(secret)).toEqual(createHash('sha256').update(secret).digest());
  });

  it('compare digests, refusing different lengths without throwing', () => {
    const a = hashSecret('a');
    expect(sameHash(a, hashSecret('a'))).toBe(true);
    expect(sameHash(a, hashSecret('b'))).toBe(false);
    expect(sameHash(a, a.subarray(0, 16))).toBe(false);
  });
});

describe('standing', () => {
  const first = randomSecret();

  it('is current for the token the session holds', () => {
    expect(standing(key, rotated(first, 0), stored(rotated(first, 0)))).toEqual({
      kind: 'current',
    });
    expect(standing(key, rotated(first, 5), stored(rotated(first, 5)))).toEqual({
      kind: 'current',
    });
  });

  it('is previous, with the current secret, for the token one rotation back', () => {
    const current = rotated(first, 3);
    expect(standing(key, rotated(first, 2), stored(current))).toEqual({
      kind: 'previous',
      currentSecret: current.secret,
    });
  });

  it('is older for a genuine token two or more rotations back', () => {
    const current = rotated(first, 7);
    for (const back of [2, 3, 7]) {
      expect(standing(key, rotated(first, 7 - back), stored(current))).toEqual({ kind: 'older' });
    }
  });

  it('is forged for a wrong secret at any generation', () => {
    const current = rotated(first, 3);
    for (const generation of [0, 2, 3]) {
      const token = { sessionId, generation, secret: randomSecret() };
      expect(standing(key, token, stored(current))).toEqual({ kind: 'forged' });
    }
  });

  it('is forged for a generation ahead of the session', () => {
    const current = rotated(first, 1);
    expect(standing(key, rotated(first, 2), stored(current))).toEqual({ kind: 'forged' });
  });

  it('is forged when the chain was derived with another server key', () => {
    const otherKey = randomBytes(32);
    const current = rotated(first, 2, otherKey);
    expect(standing(key, rotated(first, 1, otherKey), stored(current))).toEqual({ kind: 'forged' });
  });

  it('is forged for the right secret presented under another session id', () => {
    const current = rotated(first, 1);
    const token = { ...rotated(first, 0), sessionId: randomUUID() };
    expect(standing(key, token, stored(current))).toEqual({ kind: 'forged' });
  });

  it('recognises a genuine token at most 10 000 rotations back (bounded work)', () => {
    const oldest = rotated(first, 0);
    expect(standing(key, oldest, stored(rotated(first, 10_000)))).toEqual({ kind: 'older' });
    expect(standing(key, oldest, stored(rotated(first, 10_001)))).toEqual({ kind: 'forged' });
  });
});

describe('the sealed grace answer', () => {
  const presented = randomSecret();
  const access = 'header.payload.signature';
  const sealed = sealGraceAnswer(key, sessionId, 1, presented, access);

  it('opens with the server key and the secret the replay presents, and with nothing else', () => {
    expect(openGraceAnswer(key, sessionId, 1, presented, sealed)).toBe(access);
    expect(openGraceAnswer(key, sessionId, 1, randomSecret(), sealed)).toBeUndefined();
    expect(openGraceAnswer(randomBytes(32), sessionId, 1, presented, sealed)).toBeUndefined();
    expect(openGraceAnswer(key, sessionId, 2, presented, sealed)).toBeUndefined();
    expect(openGraceAnswer(key, randomUUID(), 1, presented, sealed)).toBeUndefined();
  });

  it('refuses a tampered, truncated or missing seal rather than throwing', () => {
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(openGraceAnswer(key, sessionId, 1, presented, tampered)).toBeUndefined();
    expect(openGraceAnswer(key, sessionId, 1, presented, sealed.subarray(0, 28))).toBeUndefined();
    expect(openGraceAnswer(key, sessionId, 1, presented, null)).toBeUndefined();
  });

  it('uses a fresh nonce each time: the same token never seals to the same bytes', () => {
    expect(sealGraceAnswer(key, sessionId, 1, presented, access).equals(sealed)).toBe(false);
  });
});
