// "Recent security activity" on the account page: the user's own events (GET /auth/events),
// newest first, a page at a time.
import { authed } from './api.js';
import { busy, byId, h } from './dom.js';
import { describeDevice, describeError, formatAgo, formatDate } from './format.js';

/**
 * @typedef {{ id: string, type: string, at: string, sessionId: string | null, ip: string | null, userAgent: string | null, details: Record<string, string> }} SecurityEvent
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
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey removed',
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
  const reason = REASONS[event.details?.reason ?? ''];
  const title = TITLES[event.type] ?? event.type;
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

/** Wires the "show older" button; errors go to `onError`. */
export function setupSecurityEvents(/** @type {(error: unknown) => void} */ onError) {
  const more = /** @type {HTMLButtonElement} */ (byId('security-events-more'));
  more.addEventListener('click', () => {
    busy(more, loadPage).catch(onError);
  });
}
