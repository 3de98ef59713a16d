import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuthGuardModule, TokenVerifier } from '@hybrid-auth/auth-guard';
import { generateKeyPairSync } from 'node:crypto';
import type { BoundBehaviour, ScaleOp, TokenCacheFill } from '../report/results-scale';
import { AUDIENCE, ISSUER, fixtures } from './fixtures';
import { TokenShapes, flat } from './scale-tokens';
import { rate } from './timing';

export const heap = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

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
