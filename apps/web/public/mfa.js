// Two-step verification on the account page: setting up an authenticator app (TOTP, with the
// QR code the server draws), showing the recovery codes once, turning it off, and the step-up
// screen an enrolled user meets after signing in with a password.
import { authed } from './api.js';
import { busy, byId, formValues, h, notify } from './dom.js';
import { describeError } from './format.js';

/** @typedef {{ totpEnrolled: boolean, recoveryCodesLeft: number, passkeys: number }} MfaStatus */

/** @type {(error: unknown) => void} */
let reportError = () => {};

/**
 * A sentence for an answer of the MFA routes (a wrong code is `invalid_credentials` there).
 * @param {import('./api.js').Answer} res
 */
const describe = (res) =>
  res.code === 'invalid_credentials' ? 'That code is not right. Try again.' : describeError(res);

/**
 * A labelled one-field form; `onCode` gets the value and answers with an error sentence or ''.
 * @param {string} id
 * @param {string} label
 * @param {string} button
 * @param {(value: string) => Promise<string>} onCode
 */
function codeForm(id, label, button, onCode) {
  const input = h('input', {
    id: `${id}-code`,
    name: 'code',
    autocomplete: 'one-time-code',
    required: '',
    maxlength: '32',
  });
  const error = h('p', { class: 'form-error', id: `${id}-error`, role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, button);
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { id: `${id}-form`, class: 'form' },
      h('label', { for: `${id}-code` }, label),
      input,
      error,
      submit,
    )
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(/** @type {HTMLButtonElement} */ (submit), async () => {
      error.textContent = await onCode(formValues(form).code.trim());
      if (!error.textContent) form.reset();
    }).catch(reportError);
  });
  return form;
}

/** The "Two-step verification" card of the account view. */
function buildCard() {
  const status = h('p', { id: 'mfa-status' });
  const setUp = h('button', { type: 'button', id: 'mfa-set-up' }, 'Set up an authenticator app');
  const turnOff = h(
    'button',
    { type: 'button', id: 'mfa-turn-off', class: 'danger' },
    'Turn off the authenticator app',
  );
  const enrol = h('div', { id: 'mfa-enrol', hidden: '' });
  const codes = h('div', { id: 'mfa-recovery', hidden: '' });
  setUp.addEventListener(
    'click',
    () => void busy(/** @type {HTMLButtonElement} */ (setUp), startEnrolment).catch(reportError),
  );
  turnOff.addEventListener(
    'click',
    () => void busy(/** @type {HTMLButtonElement} */ (turnOff), removeTotp).catch(reportError),
  );
  byId('view-account').append(
    h(
      'section',
      { class: 'card', id: 'mfa-card', 'aria-labelledby': 'mfa-title' },
      h('h2', { id: 'mfa-title', tabindex: '-1' }, 'Two-step verification'),
      status,
      h('div', { class: 'actions' }, setUp, turnOff),
      enrol,
      codes,
    ),
  );
}

async function startEnrolment() {
  const res = await authed('/auth/mfa/totp/enroll', { method: 'POST' });
  if (res.status !== 200) return notify(describe(res), 'error');
  const { qrCode, secret } = res.body;
  byId('mfa-enrol').replaceChildren(
    h('p', {}, 'Scan this code with your authenticator app, then enter the 6 digits it shows.'),
    h('img', {
      src: qrCode,
      alt: 'QR code to add this account to an authenticator app',
      width: '200',
      height: '200',
    }),
    h(
      'p',
      { class: 'hint' },
      'Cannot scan? Enter this key by hand: ',
      h('code', { id: 'mfa-secret' }, secret),
    ),
    codeForm('mfa-confirm', 'Code from the app', 'Turn on', confirm),
  );
  byId('mfa-enrol').hidden = false;
}

/** @param {string} code */
async function confirm(code) {
  const res = await authed('/auth/mfa/totp/confirm', { body: { code } });
  if (res.status !== 200) return describe(res);
  byId('mfa-enrol').hidden = true;
  showRecoveryCodes(res.body.recoveryCodes);
  await loadMfa();
  notify('Two-step verification is on.', 'success');
  return '';
}

/**
 * Shown once, right after confirmation: the server keeps only their hashes.
 * @param {string[]} recoveryCodes
 */
function showRecoveryCodes(recoveryCodes) {
  const done = h('button', { type: 'button' }, 'I have saved these codes');
  done.addEventListener('click', () => {
    byId('mfa-recovery').hidden = true;
    byId('mfa-recovery').replaceChildren();
  });
  byId('mfa-recovery').replaceChildren(
    h('h3', {}, 'Recovery codes'),
    h(
      'p',
      {},
      'Each code signs you in once if you lose your phone. Save them now: they are not shown again.',
    ),
    h(
      'ul',
      { id: 'mfa-recovery-codes', class: 'codes' },
      ...recoveryCodes.map((code) => h('li', {}, h('code', {}, code))),
    ),
    done,
  );
  byId('mfa-recovery').hidden = false;
}

async function removeTotp() {
  const res = await authed('/auth/mfa/totp', { method: 'DELETE' });
  if (res.status !== 204) return notify(describe(res), 'error');
  await loadMfa();
  notify('Two-step verification is off.', 'success');
}

/** Fills the card from GET /auth/mfa. */
export async function loadMfa() {
  const res = await authed('/auth/mfa');
  if (res.status !== 200) throw new Error(describeError(res));
  /** @type {MfaStatus} */
  const status = res.body;
  byId('mfa-status').textContent = status.totpEnrolled
    ? `On: sign-ins with your password also ask for a code (${status.recoveryCodesLeft} recovery codes left).`
    : 'Off: your password alone signs you in.';
  byId('mfa-set-up').hidden = status.totpEnrolled;
  byId('mfa-turn-off').hidden = !status.totpEnrolled;
}

export function clearMfa() {
  for (const id of ['mfa-enrol', 'mfa-recovery']) {
    byId(id).hidden = true;
    byId(id).replaceChildren();
  }
  byId('mfa-status').textContent = '';
}

/** The step-up screen: a view of its own, shown instead of the account until a code is right. */
function buildStepUpView() {
  byId('main').append(
    h(
      'section',
      {
        id: 'view-mfa',
        class: 'view card narrow',
        'aria-labelledby': 'mfa-step-up-title',
        hidden: '',
      },
      h('h1', { id: 'mfa-step-up-title', tabindex: '-1' }, 'Two-step verification'),
      h(
        'p',
        {},
        'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
      ),
    ),
  );
}

/**
 * An enrolled user signed in with a password has an aal1 session, which the account's routes
 * refuse with `insufficient_user_authentication`. Probes one of them; when refused, shows the
 * step-up view and resolves once a code lifted the session (the server sets new cookies).
 * Throws `SessionEnded` when there is no session at all.
 * @returns {Promise<void>}
 */
export async function stepUpIfNeeded() {
  const probe = await authed('/auth/sessions');
  if (probe.code !== 'insufficient_user_authentication') return;
  const view = byId('view-mfa');
  await new Promise((resolve) => {
    view.querySelector('form')?.remove();
    view.append(
      codeForm('mfa-verify', 'Code', 'Verify', async (value) => {
        const body = /^\d{6}$/.test(value) ? { code: value } : { recoveryCode: value };
        const res = await authed('/auth/mfa/verify', { body });
        if (res.status !== 200) return describe(res);
        view.hidden = true;
        resolve(undefined);
        return '';
      }),
    );
    for (const section of document.querySelectorAll('main > .view')) {
      /** @type {HTMLElement} */ (section).hidden = section !== view;
    }
    document.title = 'Two-step verification · hybrid-auth';
    byId('mfa-step-up-title').focus();
  });
}

/** @param {{ onError: (error: unknown) => void }} options */
export function setupMfa({ onError }) {
  reportError = onError;
  buildCard();
  buildStepUpView();
}
