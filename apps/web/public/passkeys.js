// Passkeys on the account page: add one (the browser's own WebAuthn prompt), list and remove
// them, and sign in with one from the sign-in view. The browser's JSON helpers
// (PublicKeyCredential.parse*OptionsFromJSON, credential.toJSON) turn the server's options
// and the authenticator's answer to and from the wire format: no library needed.
import { authed, send } from './api.js';
import { busy, byId, h, notify } from './dom.js';
import { describeError, formatDate } from './format.js';

/** @typedef {{ id: string, name: string, createdAt: string, lastUsedAt: string | null }} Passkey */

/** @type {(error: unknown) => void} */
let reportError = () => {};

const supported = () =>
  typeof PublicKeyCredential !== 'undefined' &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function';

/**
 * A button that runs `action` while busy, reporting what goes wrong.
 * @param {string} label
 * @param {Record<string, string>} attributes
 * @param {() => Promise<unknown>} action
 */
function button(label, attributes, action) {
  const element = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', ...attributes }, label)
  );
  element.addEventListener('click', () => void busy(element, action).catch(reportError));
  return element;
}

/**
 * What the browser prompt did, as a sentence: the user cancelling is not an error.
 * @param {unknown} error
 */
const promptFailed = (error) =>
  error instanceof DOMException && error.name === 'NotAllowedError'
    ? 'The passkey prompt was closed.'
    : `The passkey did not work: ${error instanceof Error ? error.message : String(error)}`;

async function addPasskey() {
  const options = await authed('/auth/passkeys/register/options', { method: 'POST' });
  if (options.status !== 200) return notify(describeError(options), 'error');
  let credential;
  try {
    credential = /** @type {PublicKeyCredential} */ (
      await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.body),
      })
    );
  } catch (error) {
    return notify(promptFailed(error), 'warning');
  }
  const name = `Passkey of ${new Date().toLocaleDateString()}`;
  const res = await authed('/auth/passkeys/register', {
    body: { response: credential.toJSON(), name },
  });
  if (res.status !== 201) return notify(describeError(res), 'error');
  await loadPasskeys();
  notify('Passkey added. You can now sign in with it.', 'success');
}

/** Fills the passkeys card from GET /auth/passkeys. */
export async function loadPasskeys() {
  const res = await authed('/auth/passkeys');
  if (res.status !== 200) throw new Error(describeError(res));
  /** @type {Passkey[]} */
  const list = res.body;
  const items = list.map((passkey) =>
    h(
      'li',
      {},
      h('span', {}, passkey.name),
      h('span', { class: 'muted' }, ` · added ${formatDate(passkey.createdAt)}`),
      button(`Remove ${passkey.name}`, { class: 'link-button' }, async () => {
        const gone = await authed(`/auth/passkeys/${passkey.id}`, { method: 'DELETE' });
        if (gone.status !== 204) return notify(describeError(gone), 'error');
        await loadPasskeys();
        notify('Passkey removed.', 'success');
      }),
    ),
  );
  byId('passkeys').replaceChildren(...items);
  byId('passkeys-empty').hidden = list.length > 0;
}

export function clearPasskeys() {
  byId('passkeys').replaceChildren();
}

/**
 * Signs in with a passkey alone (a new session at aal2, cookies set by the server).
 * @param {() => Promise<void>} signedIn
 */
async function signInWithPasskey(signedIn) {
  const options = await send('/auth/passkeys/login/options', { method: 'POST' });
  if (options.status !== 200) return notify(describeError(options), 'error');
  let credential;
  try {
    credential = /** @type {PublicKeyCredential} */ (
      await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.body),
      })
    );
  } catch (error) {
    return notify(promptFailed(error), 'warning');
  }
  const res = await send('/auth/passkeys/login', {
    body: { response: credential.toJSON() },
    headers: { 'x-auth-mode': 'cookie' },
  });
  if (res.status !== 200) {
    return notify(
      res.code === 'invalid_credentials' ? 'That passkey was not accepted.' : describeError(res),
      'error',
    );
  }
  notify('');
  await signedIn();
}

/** @param {{ signedIn: () => Promise<void>, onError: (error: unknown) => void }} options */
export function setupPasskeys({ signedIn, onError }) {
  reportError = onError;
  if (!supported()) return;
  byId('sign-in-form').after(
    button('Sign in with a passkey', { id: 'passkey-sign-in' }, () => signInWithPasskey(signedIn)),
  );
  byId('view-account').append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'passkeys-title' },
      h('h2', { id: 'passkeys-title' }, 'Passkeys'),
      h(
        'p',
        { class: 'muted' },
        'Sign in with your fingerprint, face or screen lock instead of a password.',
      ),
      h('p', { id: 'passkeys-empty', class: 'muted' }, 'No passkey yet.'),
      h('ul', { id: 'passkeys', class: 'sessions', 'aria-label': 'Your passkeys' }),
      h('div', { class: 'actions' }, button('Add a passkey', { id: 'passkey-add' }, addPasskey)),
    ),
  );
}

/** Whether this browser can use passkeys (the card exists only then). */
export const passkeysShown = () => document.getElementById('passkeys') !== null;
