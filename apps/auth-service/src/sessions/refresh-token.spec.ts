import crypto, { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  deriveNextSecret,
  formatRefreshToken,
  MAX_GENERATIONS_BACK,
  hashSecret,
  parseRefreshToken,
  randomSecret,
  sameHash,
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

  describe('bounded work', () => {
    /** Runs `work` and counts the HMACs it computed. */
    function hmacsDuring<T>(work: () => T): { result: T; hmacs: number } {
      const spy = jest.spyOn(crypto, 'createHmac');
      try {
        return { result: work(), hmacs: spy.mock.calls.length };
      } finally {
        spy.mockRestore();
      }
    }

    it(`recognises a genuine token ${MAX_GENERATIONS_BACK} rotations back as older, in as many HMACs`, () => {
      const [current, old] = [rotated(first, 20), rotated(first, 20 - MAX_GENERATIONS_BACK)];
      const { result, hmacs } = hmacsDuring(() => standing(key, old, stored(current)));
      expect(result).toEqual({ kind: 'older' });
      expect(hmacs).toBe(MAX_GENERATIONS_BACK);
    });

    it('treats a genuine token one rotation further back as forged (invalid, not reuse), computing no HMAC', () => {
      const [current, old] = [rotated(first, 20), rotated(first, 20 - MAX_GENERATIONS_BACK - 1)];
      const { result, hmacs } = hmacsDuring(() => standing(key, old, stored(current)));
      expect(result).toEqual({ kind: 'forged' });
      expect(hmacs).toBe(0);
    });

    it('spends at most the bound on a forged token at any depth', () => {
      const current = stored(rotated(first, 10_000));
      for (const generation of [0, 5_000, 10_000 - MAX_GENERATIONS_BACK, 9_999]) {
        const token = { sessionId, generation, secret: randomSecret() };
        const { result, hmacs } = hmacsDuring(() => standing(key, token, current));
        expect(result).toEqual({ kind: 'forged' });
        expect(hmacs).toBeLessThanOrEqual(MAX_GENERATIONS_BACK);
      }
    });

    it('walks no further than a smaller bound when given one (the rate-limit check: one HMAC)', () => {
      const [current, previous, older] = [rotated(first, 5), rotated(first, 4), rotated(first, 3)];
      const once = hmacsDuring(() => standing(key, previous, stored(current), 1));
      expect(once).toEqual({
        result: { kind: 'previous', currentSecret: current.secret },
        hmacs: 1,
      });
      expect(hmacsDuring(() => standing(key, older, stored(current), 1))).toEqual({
        result: { kind: 'forged' },
        hmacs: 0,
      });
    });

    it('keeps the bound a handful of generations', () => {
      expect(MAX_GENERATIONS_BACK).toBe(8);
    });
  });
});
