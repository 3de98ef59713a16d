// The pages a mail links to, and "Forgot password?". A link carries its token after `#`
// (/verify-email#token=…, /reset-password#token=…): browsers never send a fragment to a
// server, so the token stays out of every access log and Referer. It is taken out of the
// address bar at once (history.replaceState), kept in memory only, and spent once.
import { send } from './api.js';
import { notify } from './dom.js';
import { onSubmit } from './forms.js';

/** @typedef {{ page: 'verify-email' | 'reset-password', token: string }} MailLink */

const TOKEN = /^#token=([A-Za-z0-9_-]{16,200})$/;
const INVALID_LINK =
  'This link is not valid any more: it was used already, has expired, or was cut short. Ask for a new one.';

/** @type {string | undefined} */
let resetToken;

/**
 * The mail link this page was opened with, if any; the address bar no longer shows it.
 * @returns {MailLink | undefined}
 */
export function takeMailLink() {
  const page = location.pathname.slice(1);
  if (page !== 'verify-email' && page !== 'reset-password') return undefined;
  const token = TOKEN.exec(location.hash)?.[1];
  history.replaceState(null, '', '/');
  if (!token) {
    notify(INVALID_LINK, 'error');
    return undefined;
  }
  if (page === 'reset-password') resetToken = token;
  return { page, token };
}

/** Whether a reset link's token waits for its new password. */
export const hasResetToken = () => resetToken !== undefined;

/**
 * Confirms the address the link was sent to (a new account's, or the new address of a
 * change); the message says how it went.
 * @param {string} token
 * @returns {Promise<boolean>}
 */
export async function verifyEmail(token) {
  const res = await send('/auth/email/verify', { body: { token } });
  if (res.status === 200) notify('Your e-mail address is confirmed. Thank you!', 'success');
  else notify(res.code === 'invalid_email_token' ? INVALID_LINK : `${res.body?.message}`, 'error');
  return res.status === 200;
}

/**
 * Wires "Forgot password?" and the new-password form of a reset link.
 * @param {{ passwordReset: () => void, onError: (error: unknown) => void }} app
 */
export function setupMailLinks(app) {
  onSubmit(
    'forgot-password',
    async ({ email }) => {
      const res = await send('/auth/password/forgot', { body: { email } });
      if (res.status === 202) {
        // The same answer for every address: the page cannot tell, and neither can anyone else.
        notify(
          `If an account uses ${email}, a link to choose a new password is on its way there. It works for one hour.`,
          'success',
        );
      }
      return res;
    },
    app.onError,
  );
  onSubmit(
    'reset-password',
    async ({ newPassword }) => {
      if (!resetToken) return { status: 400, code: 'invalid_email_token', body: undefined };
      const res = await send('/auth/password/reset', { body: { token: resetToken, newPassword } });
      if (res.status === 204) {
        resetToken = undefined;
        app.passwordReset();
      } else if (res.code === 'invalid_email_token') resetToken = undefined;
      return res;
    },
    app.onError,
    (res) => (res.code === 'invalid_email_token' ? INVALID_LINK : undefined),
  );
}
