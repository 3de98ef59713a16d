import type { OutgoingMail } from './mail-outbox';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Everything that reaches the HTML part goes through here: addresses are user input. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

interface Parts {
  to: string;
  subject: string;
  /** Paragraphs of plain text (user input allowed: escaped for the HTML part). */
  paragraphs: string[];
  link?: { url: string; label: string };
  notYou: string;
}

function render({ to, subject, paragraphs, link, notYou }: Parts): OutgoingMail {
  const text = [...paragraphs, ...(link ? [link.url] : []), notYou].join('\n\n') + '\n';
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    `<p style="color:#555">${escapeHtml(notYou)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to, subject, text, html };
}

const link = (base: string, page: string, token: string) => `${base}${page}#token=${token}`;

/** The mails auth-service sends; `base` is AUTH_PUBLIC_URL. */
export const mailTemplates = {
  verify: (base: string, to: string, token: string, hours: number) =>
    render({
      to,
      subject: 'Confirm your e-mail address',
      paragraphs: [
        `Confirm that ${to} is your address by opening the link below.`,
        `The link works once and expires in ${hours} hours.`,
      ],
      link: { url: link(base, '/verify-email', token), label: 'Confirm my address' },
      notYou: 'If you did not sign up, ignore this mail: nothing happens without the link.',
    }),

  signUpAttempt: (base: string, to: string) =>
    render({
      to,
      subject: 'Someone tried to sign up with your address',
      paragraphs: [
        `Someone tried to create an account with ${to}, but you already have one.`,
        `If you forgot your password, reset it at ${base}/reset-password.`,
      ],
      notYou: 'If this was not you, ignore this mail: your account is unchanged.',
    }),

  reset: (base: string, to: string, token: string, minutes: number) =>
    render({
      to,
      subject: 'Reset your password',
      paragraphs: [
        'Someone asked to reset the password of your account. Choose a new one at the link below.',
        `The link works once and expires in ${minutes} minutes. Every device will be signed out.`,
      ],
      link: { url: link(base, '/reset-password', token), label: 'Choose a new password' },
      notYou: 'If this was not you, ignore this mail: your password stays as it is.',
    }),

  changeConfirm: (base: string, to: string, token: string, hours: number) =>
    render({
      to,
      subject: 'Confirm your new e-mail address',
      paragraphs: [
        `Confirm ${to} as the new address of your account by opening the link below.`,
        `The link works once and expires in ${hours} hours.`,
      ],
      link: { url: link(base, '/verify-email', token), label: 'Confirm my new address' },
      notYou: 'If this was not you, ignore this mail: nothing changes without the link.',
    }),

  changeNotice: (to: string, newEmail: string) =>
    render({
      to,
      subject: 'Your e-mail address is being changed',
      paragraphs: [
        `Someone signed in to your account asked to change its address from ${to} to ${newEmail}.`,
        'The change happens only when the link sent to the new address is opened.',
      ],
      notYou:
        'If this was not you, change your password now and sign out every device: someone knows it.',
    }),
};
