import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

/**
 * Ten single-use codes of 80 random bits each, shown once and stored only as SHA-256 hashes
 * (bound to the user). A fast hash is enough here, unlike for passwords: 80 random bits
 * cannot be guessed offline from the hash, whatever the hash costs.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    (randomBytes(10).toString('hex').match(/.{5}/g) as string[]).join('-'),
  );
}

/** Hash of a code as typed: case and separators do not matter. Undefined if it cannot be one. */
export function hashRecoveryCode(userId: string, typed: string): Buffer | undefined {
  const normalized = typed.toLowerCase().replace(/[\s-]/g, '');
  if (!/^[0-9a-f]{20}$/.test(normalized)) return undefined;
  return createHash('sha256').update(`${userId}:${normalized}`).digest();
}
