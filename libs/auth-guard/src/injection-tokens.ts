/** Injection tokens of the guard module. */
export const AUTH_GUARD_OPTIONS = Symbol('AUTH_GUARD_OPTIONS');
export const KEY_SOURCE = Symbol('KEY_SOURCE');
export const REVOCATION_FEED = Symbol('REVOCATION_FEED');
/** Request property holding the raw access token once extracted (see `@AccessToken()`). */
export const REQUEST_TOKEN = Symbol('hybrid-auth.access-token');
