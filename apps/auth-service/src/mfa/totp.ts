import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 as authenticator apps expect it (docs/api.md): SHA-1, 6 digits, 30 s steps,
 * through `otpauth` (maintained, no dependencies) rather than our own HOTP arithmetic.
 */
const PERIOD = 30;
const DIGITS = 6;
/** One step either side: a phone clock a little off, or a code typed as it rolled over. */
const WINDOW = 1;
/** 160-bit seeds, as RFC 4226 recommends. */
const SECRET_BYTES = 20;
const CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totp(secret: string, issuer: string, label: string): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

export function otpauthUrl(secret: string, issuer: string, label: string): string {
  return totp(secret, issuer, label).toString();
}

/**
 * The time step a code belongs to (within the window around `nowMs`), or undefined when it
 * is not a current code. The caller records the step so that the code, and any code of an
 * earlier step, is refused from then on.
 */
export function matchStep(secret: string, code: string, nowMs: number): number | undefined {
  if (!CODE.test(code)) return undefined;
  const delta = totp(secret, 'x', 'x').validate({ token: code, timestamp: nowMs, window: WINDOW });
  return delta === null ? undefined : Math.floor(nowMs / 1000 / PERIOD) + delta;
}

/** The code of a given time: for tests, which play the authenticator. */
export function codeAt(secret: string, nowMs: number): string {
  return totp(secret, 'x', 'x').generate({ timestamp: nowMs });
}
