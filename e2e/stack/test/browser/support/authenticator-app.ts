import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Plays the user's authenticator app: RFC 6238 (SHA-1, 6 digits, 30 s) written out here on
 * purpose, independent of the library auth-service uses, so the test also checks that the
 * server speaks the standard an app expects.
 */
export function totpCode(base32Secret: string, atMs: number): string {
  let bits = '';
  for (const char of base32Secret.replace(/=+$/, '')) {
    bits += BASE32.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}
