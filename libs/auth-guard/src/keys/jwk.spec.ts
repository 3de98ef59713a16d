import { createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { importJwks, importPublicJwk } from './jwk';

function ecJwk(namedCurve = 'P-256'): { pub: JsonWebKey; priv: JsonWebKey } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve });
  return { pub: publicKey.export({ format: 'jwk' }), priv: privateKey.export({ format: 'jwk' }) };
}

const p256 = ecJwk();
const valid = { ...p256.pub, kid: 'k1', alg: 'ES256', use: 'sig' };

describe('importPublicJwk', () => {
  it('imports a P-256 public key that verifies ES256 signatures', () => {
    const imported = importPublicJwk(valid);
    expect(imported?.kid).toBe('k1');
    const privateKey = createPrivateKey({ key: p256.priv, format: 'jwk' });
    const signature = sign('sha256', Buffer.from('m'), privateKey);
    expect(verify('sha256', Buffer.from('m'), imported!.key, signature)).toBe(true);
    expect(imported!.key.type).toBe('public');
  });

  it('accepts a key without alg and use', () => {
    expect(
      importPublicJwk({ kty: 'EC', crv: 'P-256', x: valid.x, y: valid.y, kid: 'k' }),
    ).toBeDefined();
  });

  it('ignores a private d published by mistake and holds only the public key', () => {
    const imported = importPublicJwk({ ...p256.priv, kid: 'k1' });
    expect(imported?.key.type).toBe('public');
    expect(imported?.key.export({ format: 'jwk' })).not.toHaveProperty('d');
  });

  it.each<[string, Record<string, unknown>]>([
    ['a P-384 key', { ...ecJwk('P-384').pub, kid: 'k' }],
    ['a secp256k1 key', { ...ecJwk('secp256k1').pub, kid: 'k' }],
    ['a P-256 key labelled P-384', { ...valid, crv: 'P-384' }],
    ['an RSA key', { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k' }],
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0', kid: 'k' }],
    ['an OKP key', { kty: 'OKP', crv: 'Ed25519', x: valid.x, kid: 'k' }],
    ['alg ES384', { ...valid, alg: 'ES384' }],
    ['alg HS256', { ...valid, alg: 'HS256' }],
    ['use enc', { ...valid, use: 'enc' }],
    ['no kid', { ...valid, kid: undefined }],
    ['an empty kid', { ...valid, kid: '' }],
    ['a numeric kid', { ...valid, kid: 1 }],
    ['a 129-character kid', { ...valid, kid: 'k'.repeat(129) }],
    ['no y', { ...valid, y: undefined }],
    ['a short x', { ...valid, x: valid.x!.slice(1) }],
    ['an x in standard base64', { ...valid, x: `${valid.x!.slice(0, 42)}+` }],
  ])('refuses %s', (_name, jwk) => {
    expect(importPublicJwk(jwk)).toBeUndefined();
  });

  it.each<[string, string, string]>([
    ['a point off the curve', valid.x!, flipLastBit(valid.y!)],
    ['the all-zero point', zeros(), zeros()],
    ['coordinates beyond the field', ones(), ones()],
  ])('refuses %s', (_name, x, y) => {
    expect(importPublicJwk({ ...valid, x, y })).toBeUndefined();
  });

  it.each([null, undefined, 'jwk', 42, []])('refuses %p', (input) => {
    expect(importPublicJwk(input)).toBeUndefined();
  });
});

describe('importJwks', () => {
  it('keeps the usable keys by kid and skips the others', () => {
    const other = { ...ecJwk().pub, kid: 'k2' };
    const keys = importJwks({
      keys: [valid, { kty: 'RSA', kid: 'r' }, other, { ...other, kid: 'k1' }],
    });
    expect([...keys.keys()]).toEqual(['k1', 'k2']);
  });

  it('keeps the first of two keys with the same kid', () => {
    const impostor = { ...ecJwk().pub, kid: 'k1' };
    const keys = importJwks({ keys: [valid, impostor] });
    expect(keys.get('k1')!.export({ format: 'jwk' }).x).toBe(valid.x);
  });

  it.each([null, {}, { keys: 'nope' }, { keys: null }, []])('returns no key for %p', (doc) => {
    expect(importJwks(doc).size).toBe(0);
  });

  it('reads at most 100 entries', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ ...valid, kid: `k${i}` }));
    expect(importJwks({ keys: many }).size).toBe(100);
  });
});

function flipLastBit(coordinate: string): string {
  const bytes = Buffer.from(coordinate, 'base64url');
  bytes[31] ^= 1;
  return bytes.toString('base64url');
}
function zeros(): string {
  return Buffer.alloc(32).toString('base64url');
}
function ones(): string {
  return Buffer.alloc(32, 0xff).toString('base64url');
}
