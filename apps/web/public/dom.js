// The few DOM helpers the page needs: no framework, and no innerHTML with API data.

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/**
 * An element with attributes and children (text is always inserted as text).
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Shows a message in the page's live region (announced by screen readers); '' clears it.
 * @param {string} message
 * @param {'info' | 'success' | 'warning' | 'error'} [tone]
 */
export function notify(message, tone = 'info') {
  const notice = byId('notice');
  notice.textContent = message;
  notice.dataset.tone = tone;
}

/**
 * Runs `action` with `button` disabled and marked busy, so a double click sends nothing twice.
 * @template T
 * @param {HTMLButtonElement} button
 * @param {() => Promise<T>} action
 * @returns {Promise<T>}
 */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/**
 * The values of a form's named inputs.
 * @param {HTMLFormElement} form
 * @returns {Record<string, string>}
 */
export function formValues(form) {
  /** @type {Record<string, string>} */
  const values = {};
  new FormData(form).forEach((value, name) => {
    values[name] = String(value);
  });
  return values;
}
