import type { EnvReader } from '@hybrid-auth/platform';

/** Passkeys: which site they belong to and which page may use them. */
export interface WebAuthnConfig {
  /** Relying-party id: a registrable domain (the host of AUTH_PUBLIC_URL unless set). */
  rpId: string;
  /** What authenticators show as the site's name. */
  rpName: string;
  /** The one origin whose pages may create and use passkeys: AUTH_PUBLIC_URL's. */
  origin: string;
  /** Seconds a challenge stays usable. */
  challengeTtl: number;
  /** Anonymous sign-in attempts (options and assertions) per client IP and window. */
  loginPerIp: number;
  loginWindowSeconds: number;
}

export function readWebAuthnConfig(read: EnvReader, publicUrl: string): WebAuthnConfig {
  const url = new URL(publicUrl);
  const rpId = read.string('AUTH_WEBAUTHN_RP_ID', url.hostname);
  // The browser accepts an rp id only if it is the page's host or a parent domain of it.
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    read.fail('AUTH_WEBAUTHN_RP_ID must be the host of AUTH_PUBLIC_URL or a parent domain of it');
  }
  return {
    rpId,
    rpName: read.string('AUTH_WEBAUTHN_RP_NAME', 'hybrid-auth'),
    origin: url.origin,
    challengeTtl: read.int('AUTH_WEBAUTHN_CHALLENGE_TTL', { default: 300, min: 30, max: 600 }),
    loginPerIp: read.int('AUTH_PASSKEY_LOGIN_MAX_PER_IP', { default: 60, min: 1 }),
    loginWindowSeconds: read.int('AUTH_PASSKEY_LOGIN_WINDOW', { default: 60, min: 1 }),
  };
}
