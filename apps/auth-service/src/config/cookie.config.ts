import { SECURE_PREFIX, accessCookieName, hasCookiePrefix } from '@hybrid-auth/auth-guard';
import type { EnvReader } from '@hybrid-auth/platform';

/**
 * Full cookie names, prefix included (`__Host-access_token`, `__Secure-refresh_token`), and
 * the bare access name (AUTH_ACCESS_COOKIE) the guard derives the same full name from.
 */
export interface CookieConfig {
  secure: boolean;
  accessName: string;
  refreshName: string;
  accessBaseName: string;
  domain: string | undefined;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The cookie names and attributes. With Secure cookies (anything but plain-http development)
 * both names carry a prefix browsers enforce, so a sibling subdomain cannot plant either
 * cookie: `__Host-` for the access cookie (Path=/, no Domain), `__Secure-` for the refresh
 * cookie (its Path is /auth, which `__Host-` does not allow). The variables give bare names.
 */
export function readCookies(read: EnvReader): CookieConfig {
  const secure = read.bool('AUTH_COOKIE_SECURE', true);
  const access = read.string('AUTH_ACCESS_COOKIE', 'access_token');
  const refresh = read.string('AUTH_REFRESH_COOKIE', 'refresh_token');
  const domain = read.optionalString('AUTH_COOKIE_DOMAIN');
  for (const [name, value] of [
    ['AUTH_ACCESS_COOKIE', access],
    ['AUTH_REFRESH_COOKIE', refresh],
  ]) {
    if (!COOKIE_NAME.test(value)) read.fail(`${name} is not a valid cookie name`);
    if (hasCookiePrefix(value)) read.fail(`${name} is the bare name: the prefix is added`);
  }
  if (access === refresh) {
    read.fail('AUTH_ACCESS_COOKIE and AUTH_REFRESH_COOKIE must name different cookies');
  }
  if (secure && domain !== undefined) {
    read.fail(
      'AUTH_COOKIE_DOMAIN cannot be used with Secure cookies: the access cookie is __Host- ' +
        'prefixed, which forbids a Domain; serve every service on one origin (the gateway)',
    );
  }
  return {
    secure,
    accessName: accessCookieName(access, secure),
    refreshName: secure ? `${SECURE_PREFIX}${refresh}` : refresh,
    accessBaseName: access,
    domain,
  };
}
