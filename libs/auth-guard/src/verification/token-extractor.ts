import { authError } from '../errors';

export interface ExtractedToken {
  token: string;
}

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Reads the access token from `Authorization: Bearer …` or, for browsers, from the access
 * cookie; never from the query string. A malformed Authorization header is an invalid
 * token, not a missing one. Returns undefined when neither carries a token.
 */
export function extractToken(
  request: RequestLike,
  cookieName: string | null,
): ExtractedToken | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    if (typeof header !== 'string')
      throw authError('invalid_token', 'several authorization headers');
    const space = header.indexOf(' ');
    if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') {
      throw authError('invalid_token', 'authorization scheme is not Bearer');
    }
    const token = header.slice(space + 1).trim();
    if (token.length === 0) throw authError('invalid_token', 'empty bearer token');
    return { token };
  }
  if (cookieName === null) return undefined;
  const cookies = request.headers.cookie;
  if (typeof cookies !== 'string') return undefined;
  const token = readCookie(cookies, cookieName);
  return token ? { token } : undefined;
}

export const HOST_PREFIX = '__Host-';
export const SECURE_PREFIX = '__Secure-';

/** Whether a configured name already carries a prefix (it is added, never given). */
export const hasCookiePrefix = (name: string): boolean => /^__(host|secure)-/i.test(name);

/**
 * The access cookie's actual name. With Secure cookies it carries the `__Host-` prefix, which
 * browsers accept only from a secure origin, with `Path=/` and no `Domain`: a sibling
 * subdomain (or a plain-http page) can then never plant an access cookie of its own choosing
 * for this host. Only plain-http development (`secure: false`) uses the bare name.
 */
export function accessCookieName(name: string, secure: boolean): string {
  return secure ? `${HOST_PREFIX}${name}` : name;
}

/** Finds one cookie's value in a Cookie header without parsing the others. */
export function readCookie(header: string, name: string): string | undefined {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const pair = header.slice(start, end).trim();
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) {
      const value = pair.slice(eq + 1).trim();
      return value.length > 0 ? value : undefined;
    }
    start = end + 1;
  }
  return undefined;
}
