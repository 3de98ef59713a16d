import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { PublicJwk } from '@hybrid-auth/auth-guard';

export interface SigningKeySet {
  /** Signs every new token. */
  signing: { kid: string; privateKey: KeyObject };
  /** Every key that may still verify a live token, signing key first: what JWKS publishes. */
  published: { kid: string; publicKey: KeyObject; jwk: PublicJwk }[];
}

/** RFC 7638 thumbprint of a P-256 public key: a kid that names the key, not a counter. */
export function thumbprint(jwk: { crv: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A new P-256 private key as a JWK with its thumbprint as kid. */
export function generatePrivateJwk(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  return {
    kty: 'EC',
    crv: 'P-256',
    x: jwk.x,
    y: jwk.y,
    d: jwk.d,
    kid: thumbprint(jwk as never),
    alg: 'ES256',
    use: 'sig',
  };
}

/**
 * Reads a JWKS of EC P-256 keys. The first key must hold its private part (`d`): it signs.
 * The others are published for verification only; their `d`, if present, is never used,
 * so a retiring key can be listed with or without it.
 */
export function parseSigningKeys(document: unknown, source: string): SigningKeySet {
  const list = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`${source}: expected a JSON Web Key Set with at least one key`);
  }
  const seen = new Set<string>();
  const published = list.map((entry: Record<string, unknown>, index) => {
    const where = `${source}: key ${index + 1}`;
    if (entry?.kty !== 'EC' || entry.crv !== 'P-256')
      throw new Error(`${where} is not an EC P-256 key`);
    if (entry.alg !== undefined && entry.alg !== 'ES256')
      throw new Error(`${where} has alg ${String(entry.alg)}`);
    if (typeof entry.kid !== 'string' || entry.kid.length === 0 || entry.kid.length > 128) {
      throw new Error(`${where} needs a kid (1-128 characters)`);
    }
    if (seen.has(entry.kid)) throw new Error(`${where} repeats kid ${entry.kid}`);
    seen.add(entry.kid);
    const publicKey = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: String(entry.x), y: String(entry.y) },
      format: 'jwk',
    });
    const { x, y } = publicKey.export({ format: 'jwk' });
    const jwk: PublicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: x!,
      y: y!,
      kid: entry.kid,
      alg: 'ES256',
      use: 'sig',
    };
    return { kid: entry.kid, publicKey, jwk };
  });
  const first = list[0] as Record<string, unknown>;
  if (typeof first.d !== 'string')
    throw new Error(`${source}: the first key signs and needs its private part "d"`);
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', x: String(first.x), y: String(first.y), d: first.d },
    format: 'jwk',
  });
  // Node accepts a "d" that belongs to another key: the service would then sign every token
  // with a key nobody can verify. A probe signature proves the pair.
  const probe = Buffer.from('hybrid-auth signing key check');
  if (!verify('sha256', probe, published[0].publicKey, sign('sha256', probe, privateKey))) {
    throw new Error(`${source}: key 1 has a private part "d" that does not match its x and y`);
  }
  return { signing: { kid: published[0].kid, privateKey }, published };
}
