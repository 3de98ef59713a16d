import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** A public EC P-256 key as published in a JWKS. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg?: 'ES256';
  use?: 'sig';
}

const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

/**
 * Turns one JWKS entry into a verification key, or returns undefined for anything that is
 * not an ES256 signing key. Only the public coordinates are read: a private `d` published
 * by mistake is ignored rather than held in a verifier's memory.
 */
export function importPublicJwk(input: unknown): { kid: string; key: KeyObject } | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const jwk = input as Record<string, unknown>;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') return undefined;
  if (jwk.alg !== undefined && jwk.alg !== 'ES256') return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 128) return undefined;
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return undefined;
  if (!B64URL_32_BYTES.test(jwk.x) || !B64URL_32_BYTES.test(jwk.y)) return undefined;
  try {
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
      format: 'jwk',
    });
    return { kid: jwk.kid, key };
  } catch {
    // Coordinates that are not a point on the curve.
    return undefined;
  }
}

/** Imports every usable key of a JWKS document; returns them by kid. */
export function importJwks(document: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const entry of list.slice(0, 100)) {
    const imported = importPublicJwk(entry);
    if (imported && !keys.has(imported.kid)) keys.set(imported.kid, imported.key);
  }
  return keys;
}
