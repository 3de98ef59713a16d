import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP } from '../constants';
import { authError } from '../errors';

/** A compact JWS made of three base64url segments, and nothing else. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** An ES256 signature is r || s, 64 bytes: exactly 86 base64url characters without padding. */
const ES256_SIGNATURE_LENGTH = 86;
/** The only header parameters auth-service writes; any other (crit, jku, jwk, x5u, x5c, zip, b64…) is refused. */
const ALLOWED_HEADER_PARAMS = new Set(['alg', 'typ', 'kid']);
const MAX_KID_LENGTH = 128;
/**
 * Strict UTF-8: an invalid sequence (an overlong `C0 AF` for `/`, a lone continuation byte, an
 * encoded surrogate) throws instead of becoming U+FFFD, so two different byte strings can never
 * decode to the same claims. ignoreBOM keeps a BOM in the text, where JSON.parse refuses it.
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Headers that passed the checks below, by their exact base64url text. Every token of one
 * signing key carries the same header, so a miss (a token not in the verified-token cache)
 * skips decoding and parsing it again. Identical text means identical bytes, so the answer
 * cannot differ. At most HEADER_MEMO_SIZE entries (one or two keys are live at a time);
 * when full it starts again, so headers an attacker varies cost the full checks, no more.
 */
const headerMemo = new Map<string, TokenHeader>();
const HEADER_MEMO_SIZE = 8;

export interface TokenHeader {
  alg: typeof ACCESS_TOKEN_ALG;
  typ: string;
  kid: string;
}

/**
 * A token that passed the shape checks, with what verification needs: the header, the
 * payload already decoded to text (strictly, once), and where the signature starts.
 */
export interface ReadToken {
  header: TokenHeader;
  /** The payload's text: valid UTF-8, not yet parsed (it is parsed once, after the signature). */
  payloadText: string;
  /** Index of the last dot: the signing input is `token.slice(0, lastDot)`. */
  lastDot: number;
}

/**
 * Cheap checks before any cryptography: size, shape, and a header that names ES256,
 * `at+jwt` and a kid. Everything an attacker controls in the header is rejected unless it
 * is exactly what we issue, so no header value can steer key selection or the algorithm.
 * What the checks decoded is kept: the payload's bytes are checked as strict UTF-8 here and
 * the resulting text is handed on, so nothing decodes it a second time.
 */
export function readToken(token: string, maxLength: number): ReadToken {
  if (token.length > maxLength) throw authError('invalid_token', 'token too long');
  if (!COMPACT_JWS.test(token)) throw authError('invalid_token', 'not a compact JWS');
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (token.length - lastDot - 1 !== ES256_SIGNATURE_LENGTH) {
    throw authError('invalid_token', 'signature is not 64 bytes');
  }
  const payloadText = decodeSegment(token.slice(firstDot + 1, lastDot));
  if (payloadText === undefined) throw authError('invalid_token', 'payload is not valid UTF-8');
  const headerText = token.slice(0, firstDot);
  const known = headerMemo.get(headerText);
  if (known !== undefined) return { header: known, payloadText, lastDot };
  const header = checkHeader(parseSegment(headerText));
  if (headerMemo.size >= HEADER_MEMO_SIZE) headerMemo.clear();
  headerMemo.set(headerText, header);
  return { header, payloadText, lastDot };
}

/** The header's rules: only alg, typ and kid; ES256; at+jwt; a kid of bounded length. */
function checkHeader(header: Record<string, unknown> | undefined): TokenHeader {
  if (header === undefined) throw authError('invalid_token', 'header is not a JSON object');
  for (const name of Object.keys(header)) {
    if (!ALLOWED_HEADER_PARAMS.has(name))
      throw authError('invalid_token', `header parameter ${name}`);
  }
  if (header.alg !== ACCESS_TOKEN_ALG) throw authError('invalid_token', 'alg is not ES256');
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ !== ACCESS_TOKEN_TYP && typ !== `application/${ACCESS_TOKEN_TYP}`) {
    throw authError('invalid_token', 'typ is not at+jwt');
  }
  if (
    typeof header.kid !== 'string' ||
    header.kid.length === 0 ||
    header.kid.length > MAX_KID_LENGTH
  ) {
    throw authError('invalid_token', 'kid missing or malformed');
  }
  return Object.freeze({ alg: ACCESS_TOKEN_ALG, typ, kid: header.kid });
}

/** One base64url segment as text, or undefined when its bytes are not valid UTF-8. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return STRICT_UTF8.decode(Buffer.from(segment, 'base64url'));
  } catch {
    return undefined;
  }
}

/** Decodes one base64url JSON segment; undefined unless it is valid UTF-8 and a plain object. */
export function parseSegment(segment: string): Record<string, unknown> | undefined {
  const text = decodeSegment(segment);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
