// Turning API values into words people read: devices, dates, error codes.

/** @type {[RegExp, string][]} */
const BROWSERS = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
/** @type {[RegExp, string][]} */
const SYSTEMS = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * "Chrome on Android" from a User-Agent; a program that is no browser (curl, a script)
 * keeps its own first word.
 * @param {string | null | undefined} agent
 * @returns {string}
 */
export function describeDevice(agent) {
  if (!agent) return 'Unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? agent.split(/[\s/]/)[0].slice(0, 40);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** @param {string} iso */
export function formatDate(iso) {
  return dateTime.format(new Date(iso));
}

/**
 * "just now", "5 minutes ago", "yesterday"…
 * @param {string} iso
 * @param {number} [now]
 */
export function formatAgo(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(seconds, 'second');
}

/** Why the user is back on the sign-in page, by the code that ended the session. */
export const ENDED_MESSAGES = {
  session_revoked:
    'You have been signed out: this session was ended from another device or by a password change. Sign in again to continue.',
  refresh_token_reused:
    'You have been signed out for your safety: an old sign-in token of this session was used again. Sign in again to continue.',
  invalid_refresh_token: 'Your session has ended. Sign in again to continue.',
};

/**
 * A sentence for an API error answer.
 * @param {{ status: number, code?: string, body?: any }} answer
 */
export function describeError(answer) {
  switch (answer.code) {
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'email_taken':
      return 'An account with this email already exists. Sign in instead.';
    case 'invalid_email_token':
      return 'This link is not valid any more. Ask for a new one.';
    case 'rate_limited':
      return 'Too many attempts. Wait a few minutes and try again.';
    case 'validation_failed': {
      /** @type {{ problems?: string[] }[]} */
      const details = answer.body?.details ?? [];
      const problems = details.flatMap((d) => d.problems ?? []);
      return problems.length > 0
        ? `Please check: ${problems.join('; ')}.`
        : 'Please check the form.';
    }
    case 'unavailable':
      return 'The service is unavailable right now. Try again in a moment.';
    default:
      return answer.body?.message ?? `Something went wrong (HTTP ${answer.status}).`;
  }
}
