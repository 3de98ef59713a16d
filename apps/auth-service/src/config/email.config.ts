import type { EnvReader } from '@hybrid-auth/platform';

/** Accounts and e-mail: where mail goes, what links point at, how long they live, throttles. */
export interface EmailConfig {
  /** SMTP server mail is sent through (`smtp://` or `smtps://`, credentials in the URL). */
  smtpUrl: string;
  /** The `From:` of every mail. */
  mailFrom: string;
  /** Base of the links in mails: the account page (the gateway's URL by default). */
  publicUrl: string;
  /** Seconds a verification (or e-mail change) link is valid. */
  emailTokenTtl: number;
  /** Seconds a password-reset link is valid. */
  resetTokenTtl: number;
  /** `true` brings back 409 `email_taken` on registration (enumeration allowed). */
  registerRevealsTaken: boolean;
  /** Forgot, resend, change and register: counted per address and per client IP. */
  throttle: { perAddress: number; perIp: number; windowSeconds: number };
  /** First retry delay of a mail that failed, in seconds; doubled each attempt up to the max. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** A mail still refused this long after it was queued is given up, in seconds. */
  giveUpSeconds: number;
}

const MAIL_FROM = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/**
 * Defaults: a development mail catcher on loopback, links to the gateway. Three mails an
 * hour per address is more than a person asks for and keeps anyone from flooding an inbox;
 * 30 an hour per client IP covers a household or an office behind one address.
 */
export function readEmailConfig(read: EnvReader): EmailConfig {
  const mailFrom = read.string('MAIL_FROM', 'hybrid-auth <no-reply@localhost>');
  if (!MAIL_FROM.test(mailFrom)) read.fail('MAIL_FROM must be an address or "Name <address>"');
  const retryBaseSeconds = read.int('AUTH_MAIL_RETRY_BASE', { default: 5, min: 1, max: 3600 });
  return {
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:'], 'smtp://127.0.0.1:1025'),
    mailFrom,
    publicUrl: read
      .url('AUTH_PUBLIC_URL', ['http:', 'https:'], 'http://localhost:8080')
      .replace(/\/+$/, ''),
    emailTokenTtl: read.int('AUTH_EMAIL_TOKEN_TTL', { default: 86_400, min: 60, max: 604_800 }),
    resetTokenTtl: read.int('AUTH_RESET_TOKEN_TTL', { default: 3600, min: 60, max: 86_400 }),
    registerRevealsTaken: read.bool('AUTH_REGISTER_REVEALS_TAKEN', false),
    throttle: {
      perAddress: read.int('AUTH_EMAIL_MAX_PER_ADDRESS', { default: 3, min: 1 }),
      perIp: read.int('AUTH_EMAIL_MAX_PER_IP', { default: 30, min: 1 }),
      windowSeconds: read.int('AUTH_EMAIL_THROTTLE_WINDOW', {
        default: 3600,
        min: 1,
        max: 86_400,
      }),
    },
    retryBaseSeconds,
    retryMaxSeconds: read.int('AUTH_MAIL_RETRY_MAX', {
      default: 3600,
      min: retryBaseSeconds,
      max: 86_400,
    }),
    // Three days, as for webhooks: longer than any outage worth waiting out, and links in
    // mail expire sooner (24 h at most by default).
    giveUpSeconds: read.int('AUTH_MAIL_GIVE_UP_AFTER', {
      default: 259_200,
      min: 3600,
      max: 2_592_000,
    }),
  };
}
