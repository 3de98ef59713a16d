import { normalizeOptions } from './options';
import type { AuthGuardModuleOptions } from './options';

const BASE: AuthGuardModuleOptions = { issuer: 'iss', audience: 'aud', keys: [] };

describe('normalizeOptions: the access cookie name', () => {
  it('reads the __Host- prefixed cookie by default (Secure cookies)', () => {
    expect(normalizeOptions(BASE).cookieName).toBe('__Host-access_token');
    expect(normalizeOptions({ ...BASE, cookieName: 'at' }).cookieName).toBe('__Host-at');
  });

  it('reads the bare name only when secureCookie is false (plain-http development)', () => {
    expect(normalizeOptions({ ...BASE, secureCookie: false }).cookieName).toBe('access_token');
  });

  it('keeps cookies off with cookieName null', () => {
    expect(normalizeOptions({ ...BASE, cookieName: null }).cookieName).toBeNull();
  });

  it.each(['__Host-access_token', '__secure-access_token'])(
    'refuses a cookieName that carries a prefix itself (%s)',
    (cookieName) => {
      expect(() => normalizeOptions({ ...BASE, cookieName })).toThrow(/cookieName must not carry/);
    },
  );
});
