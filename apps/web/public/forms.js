// Form submission the same way on every view: busy button, error under the form, reset on success.
import { busy, byId, formValues } from './dom.js';
import { describeError } from './format.js';

/**
 * Wires the form `#<id>-form`: `submit` gets its values; an answer of 400 or more is shown in
 * `#<id>-error` (through `explain` first, for messages of the form's own), anything else
 * clears the form. Other failures go to `onError`.
 * @param {string} id
 * @param {(values: Record<string, string>) => Promise<import('./api.js').Answer | undefined>} submit
 * @param {(error: unknown) => void} onError
 * @param {(answer: import('./api.js').Answer) => string | undefined} [explain]
 */
export function onSubmit(id, submit, onError, explain = () => undefined) {
  const form = /** @type {HTMLFormElement} */ (byId(`${id}-form`));
  const error = byId(`${id}-error`);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    void busy(button, async () => {
      error.textContent = '';
      const res = await submit(formValues(form));
      if (res && res.status >= 400) error.textContent = explain(res) ?? describeError(res);
      else form.reset();
    }).catch(onError);
  });
}
