// Talking to the API from the page. Tokens never pass through here: they live in HttpOnly
// cookies (login with `X-Auth-Mode: cookie`), every call is same-origin and sends them, and
// the only thing this script ever learns is a status and an error code.

/**
 * @typedef {{ status: number, code: string | undefined, body: any }} Answer
 * @typedef {{ method?: string, body?: unknown, headers?: Record<string, string> }} Request
 */

/** A cheap route that every service verifies locally: used to see whether the session lives. */
export const PROBE = '/catalog/me';
/**
 * Whether the cookies are already fresh, asked before a refresh: auth-service itself, which
 * checks the session in its database. A downstream service learns that a token went stale a
 * moment later, by push; asking it could answer "fine" for a token auth-service has just
 * refused, and the page would give up on a session that a refresh would have kept.
 */
const FRESHNESS_PROBE = '/auth/me';
const LOCK = 'hybrid-auth-refresh';

/** The access token is missing, expired or out of date: a refresh gets a fresh one. */
const REFRESHABLE = new Set(['missing_token', 'token_expired', 'token_stale', 'invalid_token']);
/** The session itself is over: only signing in again helps. */
const ENDED = new Set(['session_revoked', 'invalid_refresh_token', 'refresh_token_reused']);

/** Thrown when the session is over; `code` says why (an API error code). */
export class SessionEnded extends Error {
  /** @param {string} code */
  constructor(code) {
    super(`session ended: ${code}`);
    this.code = code;
  }
}

/**
 * One request, as it is: no refresh, no retry.
 * @param {string} path
 * @param {Request} [request]
 * @returns {Promise<Answer>}
 */
export async function send(path, request = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new Error('The server cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, code: body?.code, body };
}

/**
 * A request that needs the session. When the access token is missing or expired, it
 * refreshes once (see `refresh`) and retries once; when the session is over, it throws
 * `SessionEnded`. Any other answer (errors included) goes back to the caller.
 * @param {string} path
 * @param {Request} [request]
 * @returns {Promise<Answer>}
 */
export async function authed(path, request) {
  const first = await send(path, request);
  if (first.status !== 401) return first;
  if (ENDED.has(first.code ?? '')) throw new SessionEnded(first.code ?? 'session_revoked');
  if (!REFRESHABLE.has(first.code ?? '')) return first;
  await refresh();
  const second = await send(path, request);
  if (
    second.status === 401 &&
    (ENDED.has(second.code ?? '') || REFRESHABLE.has(second.code ?? ''))
  ) {
    throw new SessionEnded(second.code ?? 'session_revoked');
  }
  return second;
}

/** @type {Promise<void> | undefined} */
let refreshing;

/**
 * Gets a new access token with the refresh cookie, at most one refresh at a time in this
 * browser: calls in this tab share one promise, and tabs queue on a Web Lock.
 *
 * Why the lock and the probe: every tab shares the cookie jar, and each refresh rotates the
 * refresh token. Without them, two tabs that notice an expiry at once would both present the
 * same refresh token (the server's grace window forgives that, but it is a second rotation for
 * nothing). With them, the tab that waited for the lock first checks whether the cookies are
 * already fresh, and refreshes only if they are not. Where Web Locks are unavailable (pages
 * served over plain http from a non-local address), the server's grace window keeps racing
 * tabs safe.
 * @returns {Promise<void>}
 */
export function refresh() {
  refreshing ??= (
    navigator.locks ? navigator.locks.request(LOCK, refreshUnderLock) : refreshUnderLock()
  ).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function refreshUnderLock() {
  const probe = await send(FRESHNESS_PROBE);
  if (probe.status === 200) return;
  if (probe.status === 401 && ENDED.has(probe.code ?? '')) throw new SessionEnded(probe.code ?? '');
  const res = await send('/auth/refresh', { method: 'POST', headers: { 'x-auth-mode': 'cookie' } });
  if (res.status === 200) return;
  // 401 (unknown, expired, revoked or reused refresh token) or 400: nothing left to refresh with.
  if (res.status === 401 || res.status === 400) {
    throw new SessionEnded(res.code ?? 'invalid_refresh_token');
  }
  throw new Error(`refresh failed: ${res.status} ${res.code ?? ''}`);
}

/**
 * Notices quickly that the session has ended elsewhere (another device signed this one out,
 * a password change, an admin): checks `PROBE` every `intervalMs` while the page is visible,
 * and at once when it becomes visible or gets the focus. Expired access tokens are refreshed
 * on the way, without the user doing anything. Returns a function that stops watching.
 * @param {(code: string) => void} onEnded
 * @param {number} [intervalMs]
 * @returns {() => void}
 */
export function watchSession(onEnded, intervalMs = 1500) {
  let checking = false;
  let stopped = false;
  const check = async () => {
    if (stopped || checking || document.visibilityState === 'hidden') return;
    checking = true;
    try {
      await authed(PROBE);
    } catch (error) {
      if (error instanceof SessionEnded && !stopped) {
        stop();
        onEnded(error.code);
      }
      // Anything else (network, a service restarting): the next check tries again.
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(check, intervalMs);
  window.addEventListener('focus', check);
  document.addEventListener('visibilitychange', check);
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    window.removeEventListener('focus', check);
    document.removeEventListener('visibilitychange', check);
  };
  return stop;
}
