import { AuthError } from '../errors';
import { accessCookieName, extractToken, readCookie } from './token-extractor';

type Headers = Record<string, string | string[] | undefined>;

const extract = (headers: Headers, cookieName: string | null = 'access_token') =>
  extractToken({ headers }, cookieName);

function refusal(headers: Headers): { code: string; reason: string } | undefined {
  try {
    extract(headers);
    return undefined;
  } catch (error) {
    if (error instanceof AuthError) return { code: error.code, reason: error.reason };
    throw error;
  }
}

describe('extractToken', () => {
  it('reads a Bearer token from the Authorization header', () => {
    expect(extract({ authorization: 'Bearer abc.def.ghi' })).toEqual({ token: 'abc.def.ghi' });
  });

  it('accepts the scheme in any case and trims the token', () => {
    expect(extract({ authorization: 'bearer   abc.def.ghi  ' })?.token).toBe('abc.def.ghi');
    expect(extract({ authorization: 'BEARER abc.def.ghi' })?.token).toBe('abc.def.ghi');
  });

  it('returns undefined when neither header nor cookie carries a token', () => {
    expect(extract({})).toBeUndefined();
    expect(extract({ cookie: 'theme=dark' })).toBeUndefined();
  });

  it.each<[string, string | string[]]>([
    ['the Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without a token', 'Bearer'],
    ['a token without a scheme', 'abc.def.ghi'],
    ['a scheme glued to the token', 'Bearerabc.def.ghi'],
    ['a tab instead of a space', 'Bearer\tabc.def.ghi'],
    ['an empty token', 'Bearer    '],
    ['an empty header', ''],
    ['several Authorization headers', ['Bearer a.b.c', 'Bearer d.e.f']],
  ])('refuses %s as invalid_token, not missing_token', (_name, authorization) => {
    expect(refusal({ authorization })?.code).toBe('invalid_token');
  });

  it('prefers the Authorization header over the cookie, and refuses a bad header even with a cookie', () => {
    expect(
      extract({ authorization: 'Bearer from.header.x', cookie: 'access_token=from.cookie.y' }),
    ).toEqual({ token: 'from.header.x' });
    expect(refusal({ authorization: 'Basic x', cookie: 'access_token=a.b.c' })?.code).toBe(
      'invalid_token',
    );
  });

  it('reads the token from the access cookie among others', () => {
    expect(extract({ cookie: 'theme=dark; access_token=a.b.c; lang=en' })).toEqual({
      token: 'a.b.c',
    });
  });

  it('uses the configured cookie name and ignores cookies when it is null', () => {
    expect(extract({ cookie: 'at=a.b.c' }, 'at')?.token).toBe('a.b.c');
    expect(extract({ cookie: 'access_token=a.b.c' }, null)).toBeUndefined();
  });

  it('never reads the token from the query string', () => {
    const request = {
      headers: {},
      url: '/me?access_token=a.b.c',
      query: { access_token: 'a.b.c' },
    };
    expect(extractToken(request, 'access_token')).toBeUndefined();
  });
});

describe('readCookie', () => {
  it.each<[string, string | undefined]>([
    ['access_token=tok', 'tok'],
    ['a=1;access_token=tok', 'tok'],
    ['a=1;   access_token = tok', undefined],
    ['  access_token=tok  ; b=2', 'tok'],
    ['xaccess_token=nope; access_token=tok', 'tok'],
    ['access_token_old=nope', undefined],
    ['access_token=', undefined],
    ['access_token', undefined],
    ['=access_token=tok', undefined],
    ['access_token=first; access_token=second', 'first'],
    ['', undefined],
  ])('reads %j as %j', (header, expected) => {
    expect(readCookie(header, 'access_token')).toBe(expected);
  });
});

describe('accessCookieName', () => {
  it('prefixes __Host- when cookies are Secure, and only then', () => {
    expect(accessCookieName('access_token', true)).toBe('__Host-access_token');
    expect(accessCookieName('access_token', false)).toBe('access_token');
  });

  it('makes the extractor ignore a bare cookie a sibling subdomain could have planted', () => {
    const name = accessCookieName('access_token', true);
    const headers = { cookie: 'access_token=planted.by.sibling' };
    expect(extractToken({ headers }, name)).toBeUndefined();
    expect(
      extractToken({ headers: { cookie: `access_token=planted.x.y; ${name}=real.a.b` } }, name),
    ).toEqual({ token: 'real.a.b' });
  });
});
