// The "my account" view: profile, what each service sees, sessions, password change.
import { authed } from './api.js';
import { busy, byId, formValues, h, notify } from './dom.js';
import { describeDevice, describeError, formatAgo, formatDate } from './format.js';
import { clearSecurityEvents, loadSecurityEvents, setupSecurityEvents } from './security-events.js';

/**
 * @typedef {{ id: string, email: string, role: string, emailVerified: boolean, createdAt: string }} Me
 * @typedef {{ id: string, createdAt: string, lastUsedAt: string, userAgent: string | null, ip: string | null, current: boolean }} Session
 */

const SERVICES = [
  ['auth-service', '/auth/me'],
  ['catalog-service', '/catalog/me'],
  ['orders-service', '/orders/me'],
  ['billing-service', '/billing/me'],
];

/** @type {Session[]} */
let sessions = [];

/**
 * Loads and shows everything the view holds. Throws `SessionEnded` when the session is over.
 * @returns {Promise<Me>}
 */
export async function loadAccount() {
  const [answers] = await Promise.all([
    Promise.all(SERVICES.map(([, path]) => authed(path))),
    loadSessions(),
    loadSecurityEvents(),
  ]);
  const me = answers[0];
  if (me.status !== 200) throw new Error(describeError(me));
  /** @type {Me} */
  const user = me.body;
  byId('profile-email').textContent = user.email;
  byId('profile-role').textContent = user.role;
  byId('profile-created').textContent = formatDate(user.createdAt);
  byId('profile-id').textContent = user.id;
  renderServices(answers);
  return user;
}

/** Forgets what the view showed, so nothing personal stays on a signed-out page. */
export function clearAccount() {
  sessions = [];
  clearSecurityEvents();
  for (const id of ['profile-email', 'profile-role', 'profile-created', 'profile-id']) {
    byId(id).textContent = '';
  }
  byId('services').querySelector('tbody')?.replaceChildren();
  byId('sessions').replaceChildren();
  for (const form of ['password-form', 'email-change-form']) {
    /** @type {HTMLFormElement} */ (byId(form)).reset();
  }
  byId('verify-banner').hidden = true;
}

/** @param {{ status: number, code: string | undefined, body: any }[]} answers */
function renderServices(answers) {
  const rows = answers.map((answer, i) => {
    const ok = answer.status === 200;
    const session = answer.body?.sessionId;
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, SERVICES[i][0]),
      h(
        'td',
        { class: ok ? 'ok' : 'bad' },
        ok ? '✓ 200 OK' : `✗ ${answer.status} ${answer.code ?? ''}`,
      ),
      h('td', {}, ok ? String(answer.body.role) : '—'),
      h('td', {}, session ? h('code', { title: session }, session.slice(0, 8)) : '—'),
    );
  });
  byId('services')
    .querySelector('tbody')
    ?.replaceChildren(...rows);
}

async function loadSessions() {
  const res = await authed('/auth/sessions');
  if (res.status !== 200) throw new Error(describeError(res));
  /** @type {Session[]} */
  const list = res.body;
  sessions = list.sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt),
  );
  byId('sessions').replaceChildren(...sessions.map(renderSession));
  /** @type {HTMLButtonElement} */ (byId('sign-out-others')).disabled = sessions.length < 2;
}

/** @param {Session} session */
function renderSession(session) {
  const device = describeDevice(session.userAgent);
  const time = (/** @type {string} */ iso, /** @type {string} */ text) =>
    h('time', { datetime: iso, title: formatDate(iso) }, text);
  const button = h(
    'button',
    {
      type: 'button',
      'data-session-id': session.id,
      'aria-label': `Sign out ${device}${session.current ? ' (this device)' : `, signed in ${formatDate(session.createdAt)}`}`,
    },
    'Sign out',
  );
  return h(
    'li',
    { class: 'session', 'data-current': String(session.current) },
    h(
      'div',
      { class: 'session-head' },
      h('span', { class: 'device', title: session.userAgent ?? '' }, device),
      ...(session.current ? [h('span', { class: 'badge' }, 'This device')] : []),
    ),
    h(
      'dl',
      { class: 'facts compact' },
      h('dt', {}, 'IP address'),
      h('dd', {}, session.ip ?? 'unknown'),
      h('dt', {}, 'Signed in'),
      h('dd', {}, time(session.createdAt, formatDate(session.createdAt))),
      h('dt', {}, 'Last used'),
      h('dd', {}, time(session.lastUsedAt, formatAgo(session.lastUsedAt))),
    ),
    button,
  );
}

/**
 * Wires the view's buttons and form. `signOut` ends this device's session (the app knows how
 * to leave the page); `onAction` receives errors the view cannot place itself.
 * @param {{ signOut: () => Promise<void>, signedOutEverywhere: () => void, onError: (error: unknown) => void }} app
 */
export function setupAccount(app) {
  setupSecurityEvents(app.onError);
  const guard = (/** @type {() => Promise<void>} */ action) => () => action().catch(app.onError);
  const after = async (/** @type {string} */ message) => {
    await loadSessions();
    notify(message, 'success');
    byId('sessions-title').focus();
  };

  byId('sessions').addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const button = /** @type {HTMLButtonElement | null} */ (
      target.closest('button[data-session-id]')
    );
    const session = sessions.find((s) => s.id === button?.dataset.sessionId);
    if (!button || !session) return;
    if (session.current) return void guard(app.signOut)();
    void guard(() =>
      busy(button, async () => {
        const res = await authed(`/auth/sessions/${session.id}`, { method: 'DELETE' });
        if (res.status !== 204 && res.status !== 404) throw new Error(describeError(res));
        await after(`Signed out ${describeDevice(session.userAgent)}.`);
      }),
    )();
  });

  const others = /** @type {HTMLButtonElement} */ (byId('sign-out-others'));
  others.addEventListener(
    'click',
    guard(() =>
      busy(others, async () => {
        const count = sessions.filter((s) => !s.current).length;
        const res = await authed('/auth/logout-all', { body: { scope: 'others' } });
        if (res.status !== 204) throw new Error(describeError(res));
        await after(`Signed out ${count} other ${count === 1 ? 'device' : 'devices'}.`);
      }),
    ),
  );

  const everywhere = /** @type {HTMLButtonElement} */ (byId('sign-out-everywhere'));
  everywhere.addEventListener(
    'click',
    guard(() =>
      busy(everywhere, async () => {
        const res = await authed('/auth/logout-all', { body: { scope: 'all' } });
        if (res.status !== 204) throw new Error(describeError(res));
        app.signedOutEverywhere();
      }),
    ),
  );

  const form = /** @type {HTMLFormElement} */ (byId('password-form'));
  const error = byId('password-error');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    void guard(() =>
      busy(submit, async () => {
        error.textContent = '';
        const res = await authed('/auth/password', { body: formValues(form) });
        if (res.status !== 204) {
          error.textContent =
            res.code === 'invalid_credentials'
              ? 'The current password is wrong.'
              : describeError(res);
          return;
        }
        form.reset();
        await after('Password changed. Every other device has been signed out.');
      }),
    )();
  });
}
