import { createPublicKey } from 'node:crypto';
import {
  b64url,
  ecdsa,
  es256Compact,
  hmacCompact,
  invalid,
  segment,
  validToken,
} from './hostile-jws';
import type { CorpusContext, HostileToken } from './hostile-jws';

/** The order n of P-256: r = s = n is out of range for any valid signature. */
const P256_ORDER = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';

/** `alg: none` in its usual disguises, with and without a signature. */
export function unsignedTokens(ctx: CorpusContext): HostileToken[] {
  const payload = segment(ctx.claims);
  const realSignature = validToken(ctx).split('.')[2];
  const none = (alg: unknown) => segment({ ...ctx.header, alg });
  return [
    ...['none', 'None', 'NONE', 'nOnE'].map((alg) =>
      invalid(`alg ${alg} with an empty signature`, `${none(alg)}.${payload}.`),
    ),
    invalid('alg none without the trailing dot', `${none('none')}.${payload}`),
    invalid(
      'alg none with the real ES256 signature kept',
      `${none('none')}.${payload}.${realSignature}`,
    ),
    invalid(
      'alg none, signed by the real key',
      ctx.signer.raw({ ...ctx.header, alg: 'none' }, { ...ctx.claims }),
    ),
    invalid('bare {"alg":"none"} header', `${segment({ alg: 'none' })}.${payload}.`),
    invalid(
      'empty alg, signed by the real key',
      ctx.signer.raw({ ...ctx.header, alg: '' }, { ...ctx.claims }),
    ),
    invalid(
      'null alg, signed by the real key',
      ctx.signer.raw({ ...ctx.header, alg: null }, { ...ctx.claims }),
    ),
  ];
}

/** A valid token whose ES256 signature was removed, cut, padded, re-encoded or replaced. */
export function mangledSignatures(ctx: CorpusContext): HostileToken[] {
  const [header, payload, signature] = validToken(ctx).split('.');
  const input = `${header}.${payload}`;
  const bytes = Buffer.from(signature, 'base64url');
  const flipped = Buffer.from(bytes);
  flipped[10] ^= 0x01;
  const other = ctx.signer.raw(ctx.header, { ...ctx.claims, jti: 'another-token' }).split('.')[2];
  const order = Buffer.from(P256_ORDER, 'hex');
  const withSignature = (sig: string) => `${input}.${sig}`;
  return [
    invalid('signature stripped', withSignature('')),
    invalid('signature truncated by one character', withSignature(signature.slice(0, -1))),
    invalid(
      'signature truncated to r only (32 bytes)',
      withSignature(b64url(bytes.subarray(0, 32))),
    ),
    invalid('signature with base64 padding', withSignature(`${signature}==`)),
    invalid(
      'signature padded to 66 bytes',
      withSignature(b64url(Buffer.concat([bytes, Buffer.alloc(2)]))),
    ),
    invalid(
      '65-byte signature (trailing zero)',
      withSignature(b64url(Buffer.concat([bytes, Buffer.alloc(1)]))),
    ),
    invalid(
      '65-byte signature (leading zero)',
      withSignature(b64url(Buffer.concat([Buffer.alloc(1), bytes]))),
    ),
    invalid(
      'DER-encoded signature by the real key',
      withSignature(b64url(ecdsa(input, ctx.signer.privateKey, { der: true }))),
    ),
    invalid('all-zero 64-byte signature', withSignature(b64url(Buffer.alloc(64)))),
    invalid('r = s = curve order', withSignature(b64url(Buffer.concat([order, order])))),
    invalid('signature with one flipped bit', withSignature(b64url(flipped))),
    invalid('signature of another token by the real key', withSignature(other)),
    invalid(
      'signature over SHA-384 instead of SHA-256',
      withSignature(b64url(ecdsa(input, ctx.signer.privateKey, { hash: 'sha384' }))),
    ),
    invalid(
      'attacker key using the real kid',
      es256Compact(header, payload, ctx.attacker.privateKey),
    ),
  ];
}

/** HMAC tokens keyed with the public key in every common encoding, or with guessable secrets. */
export function keyConfusion(ctx: CorpusContext): HostileToken[] {
  const publicKey = createPublicKey({ key: { ...ctx.signer.publicJwk }, format: 'jwk' });
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const jwkJson = JSON.stringify(ctx.signer.publicJwk);
  return [
    invalid('HS256 keyed with the public key PEM', hmacCompact(ctx, 'HS256', pem)),
    invalid(
      'HS256 keyed with the PEM and a leading newline',
      hmacCompact(ctx, 'HS256', `\n${pem}`),
    ),
    invalid(
      'HS256 keyed with the PEM without its final newline',
      hmacCompact(ctx, 'HS256', pem.trimEnd()),
    ),
    invalid('HS256 keyed with the public key DER', hmacCompact(ctx, 'HS256', der)),
    invalid('HS256 keyed with the public JWK JSON', hmacCompact(ctx, 'HS256', jwkJson)),
    invalid('HS384 keyed with the public key PEM', hmacCompact(ctx, 'HS384', pem)),
    invalid('HS512 keyed with the public key PEM', hmacCompact(ctx, 'HS512', pem)),
    invalid('HS256 with an empty secret', hmacCompact(ctx, 'HS256', '')),
    invalid('HS256 with the secret "secret"', hmacCompact(ctx, 'HS256', 'secret')),
    invalid(
      'HS256 with the jwt.io sample secret',
      hmacCompact(ctx, 'HS256', 'your-256-bit-secret'),
    ),
    invalid('HS256 keyed with the kid', hmacCompact(ctx, 'HS256', ctx.signer.kid)),
  ];
}

/** Another alg in the header over a genuine ES256 signature of that header by the real key. */
export function otherAlgorithms(ctx: CorpusContext): HostileToken[] {
  const algs: unknown[] = [
    'ES384',
    'ES512',
    'RS256',
    'PS256',
    'EdDSA',
    'ES256K',
    'es256',
    'ES256 ',
    ['ES256'],
  ];
  return algs.map((alg) =>
    invalid(
      `alg ${JSON.stringify(alg)} over a real ES256 signature`,
      ctx.signer.raw({ ...ctx.header, alg }, { ...ctx.claims }),
    ),
  );
}
