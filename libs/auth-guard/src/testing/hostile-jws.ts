import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AccessTokenClaims } from '../auth-user';
import type { TestTokenSigner } from './test-token-signer';

/** One entry of the hostile-token corpus: see `hostileTokens()`. */
export interface HostileToken {
  /** What is wrong with it, unique within the corpus, e.g. `alg none (lowercase)`. */
  name: string;
  /** The value to send as `Authorization: Bearer <token>` (printable ASCII only). */
  token: string;
  /** The error code of the 401 a guard must answer. */
  code: 'invalid_token' | 'token_expired';
  /**
   * Set only where the HTTP server may refuse the request before the guard runs: 431 for a
   * header larger than the server accepts. Either that status or the 401 is correct.
   */
  expectStatus?: number;
}

/** What every part of the corpus is built from. */
export interface CorpusContext {
  signer: TestTokenSigner;
  audience: string;
  /** Seconds since the epoch, as the guard under test sees it. */
  now: number;
  /** A URL the corpus names in jku/x5u headers; a guard must never fetch it. */
  keyUrl: string;
  /** The header auth-service writes, with the signer's kid. */
  header: { alg: 'ES256'; typ: 'at+jwt'; kid: string };
  /** Claims that would be accepted, if signed correctly. */
  claims: AccessTokenClaims;
  /** A key pair the verifier does not know. */
  attacker: { privateKey: KeyObject; publicKey: KeyObject };
}

export const b64url = (data: string | Uint8Array): string =>
  Buffer.from(data).toString('base64url');
export const segment = (value: unknown): string => b64url(JSON.stringify(value));

/** An ECDSA P-256 signature over `signingInput`, as JWS wants it (r || s) unless `der`. */
export function ecdsa(
  signingInput: string,
  key: KeyObject,
  options: { hash?: string; der?: boolean } = {},
): Buffer {
  return sign(options.hash ?? 'sha256', Buffer.from(signingInput), {
    key,
    dsaEncoding: options.der ? 'der' : 'ieee-p1363',
  });
}

/** `<header>.<payload>.<ES256 signature>` from already-encoded segments. */
export function es256Compact(
  headerSegment: string,
  payloadSegment: string,
  key: KeyObject,
): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${b64url(ecdsa(input, key))}`;
}

/** An HMAC-signed compact JWS with header `{ alg, typ: at+jwt, kid }`. */
export function hmacCompact(
  ctx: CorpusContext,
  alg: 'HS256' | 'HS384' | 'HS512',
  secret: string | Buffer,
): string {
  const input = `${segment({ ...ctx.header, alg })}.${segment(ctx.claims)}`;
  const mac = createHmac(`sha${alg.slice(2)}`, secret)
    .update(input)
    .digest();
  return `${input}.${b64url(mac)}`;
}

export function corpusContext(
  signer: TestTokenSigner,
  audience: string,
  now: number,
  keyUrl: string,
): CorpusContext {
  const claims = signer.claims({ audience: [audience], issuedAt: now, expiresIn: 300 });
  return {
    signer,
    audience,
    now,
    keyUrl,
    header: { alg: 'ES256', typ: 'at+jwt', kid: signer.kid },
    claims,
    attacker: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  };
}

/** A correctly signed, otherwise valid token: the base most cases tamper with. */
export const validToken = (ctx: CorpusContext): string =>
  ctx.signer.raw(ctx.header, { ...ctx.claims });

export const invalid = (name: string, token: string): HostileToken => ({
  name,
  token,
  code: 'invalid_token',
});
