// The account page: which view shows, signing up, in and out, and what happens when the
// session ends elsewhere. Views are sections of index.html chosen by the URL hash; the pages
// mails link to (/verify-email, /reset-password) are handled by mail-links.js.
import { SessionEnded, send, watchSession } from './api.js';
import { clearAccount, loadAccount, setupAccount } from './account.js';
import { byId, notify } from './dom.js';
import { setupEmail, showVerification } from './email.js';
import { ENDED_MESSAGES } from './format.js';
import { onSubmit } from './forms.js';
import { hasResetToken, setupMailLinks, takeMailLink, verifyEmail } from './mail-links.js';
import { clearMfa, loadMfa, setupMfa, stepUpIfNeeded } from './mfa.js';
import { clearPasskeys, loadPasskeys, passkeysShown, setupPasskeys } from './passkeys.js';

/** @typedef {'loading' | 'sign-in' | 'sign-up' | 'forgot-password' | 'reset-password' | 'account'} View */

/** @type {Record<View, string>} */
const TITLES = {
  loading: 'hybrid-auth',
  'sign-in': 'Sign in · hybrid-auth',
  'sign-up': 'Create an account · hybrid-auth',
  'forgot-password': 'Forgot password · hybrid-auth',
  'reset-password': 'New password · hybrid-auth',
  account: 'My account · hybrid-auth',
};

let signedIn = false;
/** @type {(() => void) | undefined} */
let stopWatching;
/** Tells the other tabs of this browser about sign-ins and sign-outs at once. */
const tabs = 'BroadcastChannel' in window ? new BroadcastChannel('hybrid-auth') : undefined;

/**
 * Shows one view and moves the focus to its heading, so keyboard and screen-reader users
 * land on the new content.
 * @param {View} view
 * @param {{ focus?: boolean }} [options]
 */
function show(view, { focus = true } = {}) {
  for (const section of document.querySelectorAll('main > .view')) {
    /** @type {HTMLElement} */ (section).hidden = section.id !== `view-${view}`;
  }
  document.title = TITLES[view];
  if (view !== 'loading' && location.pathname + location.hash !== `/#/${view}`)
    history.replaceState(null, '', `/#/${view}`);
  byId('who').hidden = view !== 'account';
  if (focus) byId(`view-${view}`).querySelector('h1')?.focus();
}

/**
 * The signed-out view the URL asks for (a new password only with a reset link's token).
 * @returns {View}
 */
function signedOutView() {
  const asked = location.hash.slice(2);
  if (asked === 'reset-password') return hasResetToken() ? asked : 'forgot-password';
  return asked === 'sign-up' || asked === 'forgot-password' ? asked : 'sign-in';
}

/** @param {{ focus?: boolean }} [options] */
async function enterAccount(options) {
  await stepUpIfNeeded();
  const me = await loadAccount();
  await Promise.all([loadMfa(), passkeysShown() ? loadPasskeys() : undefined]);
  signedIn = true;
  byId('who-email').textContent = me.email;
  showVerification(me);
  show('account', options);
  stopWatching?.();
  stopWatching = watchSession(sessionEnded);
}

/**
 * @param {string} message
 * @param {'info' | 'success' | 'warning'} tone
 */
function leaveAccount(message, tone) {
  signedIn = false;
  stopWatching?.();
  stopWatching = undefined;
  clearAccount();
  clearMfa();
  clearPasskeys();
  show('sign-in');
  notify(message, tone);
}

/**
 * The session is over (signed out elsewhere, password changed, expired…): back to the sign-in
 * page with a word of why. The tab that noticed first clears the dead session's cookies and
 * tells the others, which then leave without a request of their own: a late logout from a
 * slower tab could otherwise end a session the user has just started again.
 * @param {string} code
 * @param {{ noticedHere?: boolean }} [options]
 */
function sessionEnded(code, { noticedHere = true } = {}) {
  if (!signedIn && !noticedHere) return;
  if (noticedHere) {
    tabs?.postMessage(`ended:${code}`);
    void send('/auth/logout', { method: 'POST' }).catch(() => {});
  }
  leaveAccount(
    ENDED_MESSAGES[/** @type {keyof typeof ENDED_MESSAGES} */ (code)] ??
      ENDED_MESSAGES.invalid_refresh_token,
    'warning',
  );
}

/** @param {unknown} error */
function failed(error) {
  if (error instanceof SessionEnded) return sessionEnded(error.code);
  notify(error instanceof Error ? error.message : String(error), 'error');
}

async function signOut() {
  // Public route: it ends the session named by the cookies, even with an expired access token.
  await send('/auth/logout', { method: 'POST' });
  tabs?.postMessage('signed-out');
  leaveAccount('You are signed out.', 'success');
}

/**
 * Signs in with cookies (the answer carries no token), then shows the account.
 * @param {string} email
 * @param {string} password
 * @returns {Promise<import('./api.js').Answer>}
 */
async function signIn(email, password) {
  const res = await send('/auth/login', {
    body: { email, password },
    headers: { 'x-auth-mode': 'cookie' },
  });
  if (res.status !== 200) return res;
  tabs?.postMessage('signed-in');
  notify('');
  await enterAccount();
  return res;
}

function setup() {
  onSubmit('sign-in', ({ email, password }) => signIn(email, password), failed);
  onSubmit(
    'sign-up',
    async ({ email, password }) => {
      const registered = await send('/auth/register', { body: { email, password } });
      if (registered.status !== 201) return registered;
      const res = await signIn(email, password);
      if (res.status === 200) {
        notify(`Welcome! To confirm your address, open the link we sent to ${email}.`, 'success');
      }
      return res;
    },
    failed,
  );
  setupEmail({ onError: failed });
  setupMailLinks({
    onError: failed,
    passwordReset: () => {
      tabs?.postMessage('signed-out');
      leaveAccount(
        'Your password is changed and every device was signed out. Sign in with the new password.',
        'success',
      );
    },
  });
  byId('sign-out').addEventListener('click', () => void signOut().catch(failed));
  setupMfa({ onError: failed });
  setupPasskeys({ signedIn: () => enterAccount(), onError: failed });
  setupAccount({
    signOut,
    signedOutEverywhere: () => {
      tabs?.postMessage('signed-out');
      leaveAccount('You are signed out on every device.', 'success');
    },
    onError: failed,
  });
  window.addEventListener('hashchange', () => {
    notify('');
    if (!signedIn) show(signedOutView());
    else show('account');
  });
  tabs?.addEventListener('message', ({ data }) => {
    if (data === 'signed-out' && signedIn) leaveAccount('You signed out in another tab.', 'info');
    if (data === 'signed-in' && !signedIn) void enterAccount({ focus: false }).catch(() => {});
    // Confirmed in another tab: this one drops the banner (a refresh carries the new claim).
    if (data === 'email-verified' && signedIn) void enterAccount({ focus: false }).catch(failed);
    if (String(data).startsWith('ended:')) sessionEnded(data.slice(6), { noticedHere: false });
  });
}

async function start() {
  setup();
  const link = takeMailLink();
  if (link?.page === 'reset-password') return show('reset-password');
  const verified = link && (await verifyEmail(link.token).catch((error) => void failed(error)));
  if (verified) tabs?.postMessage('email-verified');
  try {
    // Still signed in from an earlier visit? The cookies tell (refreshed if need be).
    await enterAccount({ focus: false });
  } catch (error) {
    show(signedOutView(), { focus: false });
    // No session at all is the ordinary first visit; one that was ended deserves a word.
    if (!(error instanceof SessionEnded)) failed(error);
    else if (error.code !== 'invalid_refresh_token') sessionEnded(error.code);
  }
}

void start();
