import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of the secrets auth-service keeps in `auth_secrets`, under
 * AUTH_SECRETS_KEY (32 random bytes that never live in the database): a dump of the
 * database alone then holds no signing key and no refresh-token key.
 *
 * AES-256-GCM straight from node:crypto, no library: it is one authenticated cipher the
 * runtime already ships (OpenSSL), used in about ten lines, with a random 96-bit nonce per
 * value (a few values per deployment, far from the 2^32 limit of random nonces). A JWE or
 * "secret box" package would wrap the same primitive and add a dependency to audit.
 *
 * The row's name is the additional authenticated data, so a ciphertext copied into another
 * row does not open there. Stored form: `aes256gcm:v1:<nonce>.<ciphertext>.<tag>` (base64url).
 */
const PREFIX = 'aes256gcm:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export const SECRETS_KEY_BYTES = 32;

/** Whether a stored value is sealed (as opposed to the clear text older versions wrote). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function seal(key: Buffer, name: string, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [nonce, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return `${PREFIX}${parts.join('.')}`;
}

/**
 * The clear text of a sealed value, or undefined when this key (or this row name) does not
 * open it: a wrong key and a tampered value look the same, and both must stop the service.
 */
export function open(key: Buffer, name: string, stored: string): string | undefined {
  const parts = stored.slice(PREFIX.length).split('.');
  if (!isSealed(stored) || parts.length !== 3) return undefined;
  const [nonce, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64url'));
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
