import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuthGuardModule, TokenVerifier } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { BoundBehaviour, ScaleOp, TokenCacheFill } from '../report/results-scale';
import { AUDIENCE, ISSUER, claims, fixtures } from './fixtures';
import { rate } from './timing';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A flat one-byte string, as read from a socket (concatenation builds a rope). */
const flat = (text: string) => Buffer.from(text, 'latin1').toString('latin1');

export const heap = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** Every claim auth-service writes into an access token (access-tokens.service.ts). */
function fullClaims(now: number) {
  return {
    ...claims(now),
    email_verified: true,
    aal: 'aal1' as const,
    amr: ['pwd' as const],
    auth_time: now,
    mfa_enrolled: false,
  };
}

/**
 * The user object the guard caches for these claims, built as `checkClaims` builds it (same
 * spreads, same frozen arrays, strings fresh from JSON.parse). Signing and verifying a million
 * ES256 tokens would take minutes; `TokenShapes.check` compares its keys with a real verified one.
 */
function userOf(payloadJson: string): AuthUser {
  const p = JSON.parse(payloadJson) as ReturnType<typeof fullClaims>;
  const strength = {
    ...(p.aal === undefined ? {} : { aal: p.aal as 'aal1' }),
    ...(p.amr === undefined ? {} : { amr: Object.freeze([...(p.amr as 'pwd'[])]) }),
    ...(p.auth_time === undefined ? {} : { authTime: p.auth_time }),
    ...(p.mfa_enrolled === undefined ? {} : { mfaEnrolled: p.mfa_enrolled }),
  };
  return Object.freeze({
    userId: p.sub,
    sessionId: p.sid,
    role: p.role,
    audience: Object.freeze([...p.aud.map(String)]),
    tokenId: p.jti,
    issuedAt: p.iat,
    expiresAt: p.exp,
    ...(p.email_verified === undefined ? {} : { emailVerified: p.email_verified }),
    ...strength,
  });
}

/** Tokens of auth-service's size and shape (header, every claim, an 86-character signature). */
export class TokenShapes {
  private readonly header: string;

  constructor(kid: string) {
    this.header = b64({ alg: 'ES256', typ: 'at+jwt', kid });
  }

  /** A token and the user the guard would cache for it. The signature is random bytes. */
  make(now: number): { token: string; user: AuthUser } {
    const json = JSON.stringify(fullClaims(now));
    const payload = Buffer.from(json).toString('base64url');
    const signature = randomBytes(64).toString('base64url');
    return { token: flat(`${this.header}.${payload}.${signature}`), user: userOf(json) };
  }

  /** Guards the shape above: the real verifier's user for a really signed token has the same keys. */
  static async check(verifier: TokenVerifier, privateKey: KeyObject, kid: string): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const claims = fullClaims(now);
    const real = await verifier.verify(signAccessToken(claims, privateKey, kid));
    const mine = userOf(JSON.stringify(claims));
    const keys = (u: object) => Object.keys(u).join(',');
    if (keys(real) !== keys(mine)) {
      throw new Error(`cached user shape differs: guard ${keys(real)}, bench ${keys(mine)}`);
    }
  }
}

async function verifierWith(cacheSize: number, jwk: Parameters<typeof AuthGuardModule.forRoot>[0]) {
  const app = await NestFactory.createApplicationContext(
    AuthGuardModule.forRoot({ ...jwk, cacheSize }),
    { logger: false },
  );
  return { app, verifier: app.get(TokenVerifier) };
}

/** Fresh copies of some cached tokens: a request brings its token as a new string. */
const freshCopies = (tokens: string[], count: number) =>
  Array.from({ length: count }, () => flat(tokens[Math.floor(Math.random() * tokens.length)]));

/**
 * The real verified-token cache (the one TokenVerifier builds for `cacheSize`) filled to
 * `size` tokens: heap per token, then a hit through `TokenVerifier.verify` (the request path)
 * and a miss (the lookup alone; what follows a miss is the verification of the main table).
 */
export async function tokenCacheFill(
  bound: number,
  size: number,
  budgetMs: number,
): Promise<TokenCacheFill> {
  const { es256 } = fixtures();
  const { app, verifier } = await verifierWith(bound, {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: [es256.jwk],
  });
  const shapes = new TokenShapes(es256.jwk.kid);
  const now = Math.floor(Date.now() / 1000);
  // Kept outside the measured heap: 4096 of the tokens, as indexes only after the fill.
  const sampleEvery = Math.max(1, Math.floor(size / 4096));
  const sample: string[] = [];
  let chars = 0;
  const before = heap();
  for (let i = 0; i < size; i += 1) {
    const { token, user } = shapes.make(now);
    verifier.cache.set(token, user);
    chars += token.length;
    if (i % sampleEvery === 0) sample.push(token);
  }
  const bytes = heap() - before - sample.length * 8;
  const entries = verifier.cache.size;
  const ops = lookups(verifier, shapes, sample, now, budgetMs);
  // Another 20% of the size goes in (nothing else keeps them): at the bound, nothing may grow.
  const extra = Math.round(size * 0.2);
  for (let n = 0; n < extra; n += 1) {
    const { token, user } = shapes.make(now);
    verifier.cache.set(token, user);
  }
  const bytesAfterExtra = heap() - before - sample.length * 8;
  const sizeAfterExtra = verifier.cache.size;
  await app.close();
  return {
    bound,
    entries,
    bytes,
    extraInserted: extra,
    sizeAfterExtra,
    bytesAfterExtra,
    bytesPerEntry: bytes / entries,
    tokenChars: chars / size,
    ops,
  };
}

/** Hit and miss costs; its arrays of probe tokens are garbage once it returns. */
function lookups(
  verifier: TokenVerifier,
  shapes: TokenShapes,
  sample: string[],
  now: number,
  budgetMs: number,
): ScaleOp[] {
  const hits = freshCopies(sample, 4096);
  const misses = Array.from({ length: 4096 }, () => shapes.make(now).token);
  let i = 0;
  const nowS = now + 1;
  const ops: ScaleOp[] = [
    {
      name: 'hit: TokenVerifier.verify, a fresh copy of a cached token',
      nsPerOp: rate(() => verifier.verify(hits[(i = (i + 1) & 4095)]), budgetMs).nsPerOp,
    },
    {
      name: 'miss: the cache lookup alone (a token never seen)',
      nsPerOp: rate(() => verifier.cache.get(misses[(i = (i + 1) & 4095)], nowS), budgetMs).nsPerOp,
    },
  ];
  for (const token of hits) {
    const found = verifier.cache.get(token, nowS);
    if (found === undefined || found === 'expired') throw new Error('a cached token missed');
  }
  return ops;
}

/**
 * 1.2x the bound goes in: the size must stay at the bound, the oldest 20% must be gone and
 * the newest `bound` all there. The eviction is by insertion order (FIFO), not by use: a token
 * looked up after every insertion is evicted too once it is the oldest insertion. The entries
 * are made beforehand, so the timed loops measure `set` alone.
 */
export async function boundBehaviour(bound: number): Promise<BoundBehaviour> {
  const { es256 } = fixtures();
  const options = { issuer: ISSUER, audience: AUDIENCE, keys: [es256.jwk] };
  const { app, verifier } = await verifierWith(bound, options);
  const cache = verifier.cache;
  const shapes = new TokenShapes(es256.jwk.kid);
  const now = Math.floor(Date.now() / 1000);
  const inserted = Math.round(bound * 1.2);
  const made = Array.from({ length: inserted }, () => shapes.make(now));
  const timed = (from: number, to: number) => {
    const start = process.hrtime.bigint();
    for (let i = from; i < to; i += 1) cache.set(made[i].token, made[i].user);
    return Number(process.hrtime.bigint() - start) / (to - from);
  };
  const extra = inserted - bound;
  // Below the bound: the last `extra` insertions before it is reached (same count as after).
  timed(0, bound - extra);
  const belowNs = timed(bound - extra, bound);
  const atBoundNs = timed(bound, inserted);
  const sizeAfter = cache.size;
  const hit = (t: string) => {
    const found = cache.get(flat(t), now);
    return found !== undefined && found !== 'expired';
  };
  const oldestHits = made.slice(0, extra).filter((m) => hit(m.token)).length;
  const newestHits = made.slice(extra).filter((m) => hit(m.token)).length;
  // FIFO, not LRU: the first token, looked up after every insertion, still leaves at its turn.
  cache.clear();
  const hot = made[0].token;
  let hotEvicted = false;
  for (let i = 0; i <= bound; i += 1) {
    cache.set(made[i].token, made[i].user);
    if (!hit(hot)) hotEvicted = true;
  }
  await app.close();
  return {
    bound,
    inserted,
    sizeAfter,
    oldestChecked: extra,
    oldestHits,
    newestChecked: bound,
    newestHits,
    hotTokenEvicted: hotEvicted,
    ops: [
      { name: 'set, below the bound', nsPerOp: belowNs },
      { name: 'set at the bound (evicts the oldest insertion first)', nsPerOp: atBoundNs },
    ],
  };
}

/** The key pair of a fixture, to check the bench's user shape against the real verifier. */
export async function checkUserShape(): Promise<void> {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = ec.publicKey.export({ format: 'jwk' });
  const jwk = {
    kty: 'EC' as const,
    crv: 'P-256' as const,
    x: x!,
    y: y!,
    kid: 'shape',
    alg: 'ES256' as const,
    use: 'sig' as const,
  };
  const { app, verifier } = await verifierWith(10, {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: [jwk],
  });
  await TokenShapes.check(verifier, ec.privateKey, jwk.kid);
  await app.close();
}
