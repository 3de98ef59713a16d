// "Recent security activity" on the account page: the user's own events (GET /auth/events),
// newest first, a page at a time.
import { authed } from './api.js';
import { busy, byId, h } from './dom.js';
import { describeDevice, describeError, formatAgo, formatDate } from './format.js';

/**
 * @typedef {{ id: string, type: string, at: string, sessionId: string | null, ip: string | null, userAgent: string | null, details: Record<string, string | number> }} SecurityEvent
 */

const PAGE = 10;

/** What each event means to the person it happened to. */
const TITLES = /** @type {Record<string, string>} */ ({
  user_registered: 'Account created',
  login_succeeded: 'Signed in',
  login_failed: 'Failed sign-in attempt',
  logout: 'Signed out',
  session_revoked: 'A session was ended',
  refresh_token_reused: 'Session ended: its sign-in was used twice (possible theft)',
  password_changed: 'Password changed',
  password_reset: 'Password reset by e-mail link',
  email_verified: 'E-mail address verified',
  email_changed: 'E-mail address changed',
  role_changed: 'Role changed',
  user_disabled: 'Account disabled',
  user_enabled: 'Account enabled again',
  mfa_enrolled: 'Two-step sign-in turned on',
  mfa_disabled: 'Two-step sign-in turned off',
  mfa_recovery_code_used: 'A recovery code was used',
  mfa_verified: 'Second step of sign-in completed',
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey removed',
});

/** A title that depends on how it happened (`details.method`), e.g. a sign-in with a passkey. */
const TITLES_BY_METHOD = /** @type {Record<string, string>} */ ({
  'login_succeeded:webauthn': 'Signed in with a passkey',
  'login_failed:otp': 'Failed two-step sign-in: authenticator code refused',
  'login_failed:recovery': 'Failed two-step sign-in: recovery code refused',
  'login_failed:webauthn': 'Failed sign-in with a passkey',
  'mfa_verified:otp': 'Second step of sign-in completed with an authenticator code',
  'mfa_verified:recovery': 'Second step of sign-in completed with a recovery code',
});

const REASONS = /** @type {Record<string, string>} */ ({
  logout_all: 'signed out everywhere',
  deleted: 'signed out from the sessions list',
  password_changed: 'the password changed',
  password_reset: 'the password was reset',
  user_disabled: 'the account was disabled',
  admin_revoked: 'by an administrator',
  wrong_password: 'wrong password',
  disabled: 'the account is disabled',
  wrong_code: 'wrong code',
  code_reused: 'a code that was already used',
  wrong_recovery_code: 'unknown or used recovery code',
  not_enrolled: 'two-step sign-in is not set up',
  passkey_not_verified: 'not accepted',
  passkey_counter: 'the passkey may have been copied',
});

/** @type {string | null} */
let nextCursor = null;

/** Loads the newest page. Throws on an answer other than 200 (SessionEnded included). */
export async function loadSecurityEvents() {
  byId('security-events').replaceChildren();
  nextCursor = null;
  await loadPage();
}

/** Forgets what was shown. */
export function clearSecurityEvents() {
  byId('security-events').replaceChildren();
  nextCursor = null;
  byId('security-events-more').hidden = true;
}

async function loadPage() {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (nextCursor) query.set('cursor', nextCursor);
  const res = await authed(`/auth/events?${query}`);
  if (res.status !== 200) throw new Error(describeError(res));
  /** @type {{ items: SecurityEvent[], nextCursor: string | null }} */
  const page = res.body;
  nextCursor = page.nextCursor;
  byId('security-events').append(...page.items.map(renderEvent));
  byId('security-events-more').hidden = !nextCursor;
  if (byId('security-events').childElementCount === 0) {
    byId('security-events').append(h('li', { class: 'event' }, 'Nothing yet.'));
  }
}

/** @param {SecurityEvent} event */
function renderEvent(event) {
  const reason = REASONS[event.details?.reason ?? ''] ?? remaining(event);
  const title =
    TITLES_BY_METHOD[`${event.type}:${event.details?.method ?? ''}`] ??
    TITLES[event.type] ??
    event.type;
  const where = [event.userAgent ? describeDevice(event.userAgent) : '', event.ip ?? '']
    .filter(Boolean)
    .join(' · ');
  return h(
    'li',
    { class: 'event', 'data-type': event.type },
    h('span', { class: 'event-title' }, reason ? `${title} (${reason})` : title),
    h('time', { datetime: event.at, title: formatDate(event.at) }, formatAgo(event.at)),
    ...(where ? [h('span', { class: 'event-where', title: event.userAgent ?? '' }, where)] : []),
  );
}

/** "3 left" for a recovery code, so running low shows; undefined for other events. */
function remaining(/** @type {SecurityEvent} */ event) {
  const left = event.details?.remaining;
  if (event.type !== 'mfa_recovery_code_used' || typeof left !== 'number') return undefined;
  return left === 1 ? '1 left' : `${left} left`;
}

/** Wires the "show older" button; errors go to `onError`. */
export function setupSecurityEvents(/** @type {(error: unknown) => void} */ onError) {
  const more = /** @type {HTMLButtonElement} */ (byId('security-events-more'));
  more.addEventListener('click', () => {
    busy(more, loadPage).catch(onError);
  });
}
