import type { AuthUser } from '../auth-user';
import { VerifiedTokenCache } from './verified-token-cache';

const LEEWAY = 30;
const user = (expiresAt: number, userId = 'u'): AuthUser => ({
  userId,
  sessionId: 's',
  role: 'user',
  audience: ['a'],
  tokenId: 'j',
  issuedAt: expiresAt - 900,
  expiresAt,
});

describe('VerifiedTokenCache', () => {
  it('returns what was stored until exp + leeway', () => {
    const cache = new VerifiedTokenCache(10, LEEWAY);
    const entry = user(1000);
    cache.set('t1', entry);
    expect(cache.get('t1', 500)).toBe(entry);
    expect(cache.get('t1', 1000 + LEEWAY - 0.001)).toBe(entry);
  });

  it("reports 'expired' at exp + leeway and forgets the entry", () => {
    const cache = new VerifiedTokenCache(10, LEEWAY);
    cache.set('t1', user(1000));
    expect(cache.get('t1', 1000 + LEEWAY)).toBe('expired');
    expect(cache.size).toBe(0);
    expect(cache.get('t1', 500)).toBeUndefined();
  });

  it('stays within its bound, evicting the oldest insertion first', () => {
    const cache = new VerifiedTokenCache(3, LEEWAY);
    for (const token of ['a', 'b', 'c', 'd', 'e']) cache.set(token, user(1000, token));
    expect(cache.size).toBe(3);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('b', 0)).toBeUndefined();
    expect((cache.get('c', 0) as AuthUser).userId).toBe('c');
    expect((cache.get('e', 0) as AuthUser).userId).toBe('e');
  });

  it('stays bounded under a flood of distinct tokens', () => {
    const cache = new VerifiedTokenCache(1000, LEEWAY);
    for (let i = 0; i < 20_000; i += 1) cache.set(`token-${i}`, user(1000));
    expect(cache.size).toBe(1000);
    expect((cache.get('token-19000', 0) as AuthUser).expiresAt).toBe(1000);
    expect(cache.get('token-18999', 0)).toBeUndefined();
  });

  it('caches nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache(0, LEEWAY);
    cache.set('t1', user(1000));
    expect(cache.size).toBe(0);
    expect(cache.get('t1', 0)).toBeUndefined();
  });

  it('forgets everything on clear()', () => {
    const cache = new VerifiedTokenCache(10, LEEWAY);
    cache.set('t1', user(1000));
    cache.clear();
    expect(cache.get('t1', 0)).toBeUndefined();
  });

  it('never answers for another token that merely ends like a cached one', () => {
    const cache = new VerifiedTokenCache(10, LEEWAY);
    const tail = 'S'.repeat(40);
    cache.set(`header.payload-of-alice.${tail}`, user(1000, 'alice'));
    expect(cache.get(`header.payload-of-mallory.${tail}`, 0)).toBeUndefined();
    expect(cache.get(`header.payload-of-alice.${tail}`, 0)).toMatchObject({ userId: 'alice' });
  });

  it('evicts nothing when a full cache stores a token it already holds', () => {
    const cache = new VerifiedTokenCache(2, LEEWAY);
    cache.set('a', user(1000, 'a'));
    cache.set('b', user(1000, 'b'));
    cache.set('b', user(1000, 'b2'));
    expect(cache.size).toBe(2);
    expect((cache.get('a', 0) as AuthUser).userId).toBe('a');
    expect((cache.get('b', 0) as AuthUser).userId).toBe('b2');
  });

  it('keeps evicting the oldest insertion after expiries, re-insertions and clear()', () => {
    const cache = new VerifiedTokenCache(3, LEEWAY);
    for (const token of ['a', 'b', 'c']) cache.set(token, user(token === 'b' ? 100 : 1000, token));
    expect(cache.get('b', 200)).toBe('expired');
    cache.set('d', user(1000, 'd'));
    cache.set('b', user(1000, 'b'));
    expect([...['a', 'b', 'c', 'd']].filter((t) => cache.get(t, 0) !== undefined)).toEqual([
      'b',
      'c',
      'd',
    ]);
    cache.clear();
    for (const token of ['e', 'f', 'g', 'h']) cache.set(token, user(1000, token));
    expect(['e', 'f', 'g', 'h'].filter((t) => cache.get(t, 0) !== undefined)).toEqual([
      'f',
      'g',
      'h',
    ]);
  });
});
