import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { b64url, es256Compact, invalid, segment } from './hostile-jws';
import type { CorpusContext, HostileToken } from './hostile-jws';

/**
 * Header parameters that would let the token choose its own key or change how it is read.
 * Each is signed by the real key, so only the header policy can refuse it; jku/x5u point at
 * `ctx.keyUrl`, which a guard must never fetch.
 */
export function dangerousHeaders(ctx: CorpusContext): HostileToken[] {
  const attackerJwk = { ...ctx.attacker.publicKey.export({ format: 'jwk' }), kid: ctx.signer.kid };
  const withHeader = (name: string, extra: Record<string, unknown>) =>
    invalid(name, ctx.signer.raw({ ...ctx.header, ...extra }, { ...ctx.claims }));
  const attackerSigned = (name: string, extra: Record<string, unknown>) => {
    const header = segment({ ...ctx.header, ...extra });
    return invalid(name, es256Compact(header, segment(ctx.claims), ctx.attacker.privateKey));
  };
  const zipped = b64url(deflateRawSync(Buffer.from(JSON.stringify(ctx.claims))));
  return [
    withHeader('jku pointing at a URL', { jku: ctx.keyUrl }),
    attackerSigned('jku pointing at a URL, signed by the attacker key', { jku: ctx.keyUrl }),
    withHeader('x5u pointing at a URL', { x5u: ctx.keyUrl }),
    attackerSigned('embedded jwk of the attacker key with the real kid', { jwk: attackerJwk }),
    withHeader('embedded jwk of the real key', { jwk: ctx.signer.publicJwk }),
    withHeader('x5c certificate chain', { x5c: [b64url('not a certificate')] }),
    withHeader('x5t thumbprint', { x5t: b64url('thumbprint') }),
    withHeader('unknown crit extension', {
      crit: ['urn:example:unknown'],
      'urn:example:unknown': 1,
    }),
    withHeader('crit naming exp', { crit: ['exp'] }),
    withHeader('b64 false', { b64: false, crit: ['b64'] }),
    invalid(
      'zip DEF with a deflated payload',
      es256Compact(segment({ ...ctx.header, zip: 'DEF' }), zipped, ctx.signer.privateKey),
    ),
    withHeader('cty JWT (nested token)', { cty: 'JWT' }),
    withHeader('enc parameter of a JWE', { enc: 'A256GCM' }),
  ];
}

/** Kids that are missing, unknown, of the wrong type or built to hurt a key store. */
export function hostileKids(ctx: CorpusContext): HostileToken[] {
  const kids: [string, unknown][] = [
    ['missing kid', undefined],
    ['unknown kid', randomUUID()],
    ['empty kid', ''],
    ['numeric kid', 1],
    ['null kid', null],
    ['array kid', [ctx.signer.kid]],
    ['object kid', { kid: ctx.signer.kid }],
    ['overlong kid (200 characters)', 'k'.repeat(200)],
    ['huge kid (4000 characters)', 'k'.repeat(4000)],
    ['path traversal kid', '../../etc/passwd'],
    ['SQL injection kid', "' OR 1=1 --"],
    ['URL kid', ctx.keyUrl],
    ['real kid with a NUL suffix', `${ctx.signer.kid}\u0000`],
    ['real kid in upper case', ctx.signer.kid.toUpperCase()],
    ['__proto__ kid', '__proto__'],
  ];
  return kids.map(([name, kid]) => {
    const header: Record<string, unknown> = { ...ctx.header, kid };
    if (kid === undefined) delete header.kid;
    return invalid(name, ctx.signer.raw(header, { ...ctx.claims }));
  });
}

/** Wrong or missing typ, each signed by the real key. */
export function wrongTypes(ctx: CorpusContext): HostileToken[] {
  const types: [string, unknown][] = [
    ['missing typ', undefined],
    ['typ JWT', 'JWT'],
    ['typ application/jwt', 'application/jwt'],
    ['typ rt+jwt (refresh)', 'rt+jwt'],
    ['typ JOSE+JSON', 'JOSE+JSON'],
    ['numeric typ', 1],
  ];
  return types.map(([name, typ]) => {
    const header: Record<string, unknown> = { ...ctx.header, typ };
    if (typ === undefined) delete header.typ;
    return invalid(name, ctx.signer.raw(header, { ...ctx.claims }));
  });
}

/** Header or payload changed after signing. */
export function tampered(ctx: CorpusContext): HostileToken[] {
  const [header, payload, signature] = ctx.signer.raw(ctx.header, { ...ctx.claims }).split('.');
  const other = ctx.signer.raw(ctx.header, { ...ctx.claims, sub: randomUUID() }).split('.');
  const spaced = b64url(JSON.stringify(ctx.claims, null, 1));
  return [
    invalid(
      'payload tampered to role admin',
      `${header}.${segment({ ...ctx.claims, role: 'admin' })}.${signature}`,
    ),
    invalid('payload tampered to another user', `${header}.${other[1]}.${signature}`),
    invalid(
      'payload tampered to a later exp',
      `${header}.${segment({ ...ctx.claims, exp: ctx.claims.exp + 60 })}.${signature}`,
    ),
    invalid('payload re-encoded with whitespace', `${header}.${spaced}.${signature}`),
    invalid(
      'header tampered (typ re-cased)',
      `${segment({ ...ctx.header, typ: 'AT+JWT' })}.${payload}.${signature}`,
    ),
    invalid(
      'header with a duplicate alg none last, signed by the real key',
      es256Compact(
        b64url(`{"alg":"ES256","typ":"at+jwt","kid":"${ctx.signer.kid}","alg":"none"}`),
        payload,
        ctx.signer.privateKey,
      ),
    ),
  ];
}
