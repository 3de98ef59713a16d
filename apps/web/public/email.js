// The account view's e-mail parts: the banner of an address not confirmed yet (with
// "Resend the link") and the e-mail change (confirmed from the new address).
import { authed } from './api.js';
import { busy, byId, notify } from './dom.js';
import { describeError } from './format.js';
import { onSubmit } from './forms.js';

/**
 * Shows or hides the banner for the signed-in user.
 * @param {{ email: string, emailVerified?: boolean }} me
 */
export function showVerification(me) {
  byId('verify-banner').hidden = me.emailVerified !== false;
  byId('verify-banner-email').textContent = me.emailVerified === false ? me.email : '';
}

/** @param {{ onError: (error: unknown) => void }} app */
export function setupEmail(app) {
  const resend = /** @type {HTMLButtonElement} */ (byId('verify-resend'));
  resend.addEventListener('click', () => {
    void busy(resend, async () => {
      const res = await authed('/auth/email/verify/resend', { method: 'POST' });
      if (res.status !== 202) throw new Error(describeError(res));
      const address = byId('verify-banner-email').textContent;
      notify(`A new link is on its way to ${address}.`, 'success');
    }).catch(app.onError);
  });

  onSubmit(
    'email-change',
    async (values) => {
      const res = await authed('/auth/email/change', { body: values });
      if (res.status === 202) {
        const current = byId('profile-email').textContent;
        notify(
          `Check ${values.newEmail}: open the link we sent there to finish the change. Until then your address stays ${current}.`,
          'success',
        );
      }
      return res;
    },
    app.onError,
    (res) => (res.code === 'invalid_credentials' ? 'Your password is wrong.' : undefined),
  );
}
