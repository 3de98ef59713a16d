import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuthGuardModule, TokenVerifier } from '@hybrid-auth/auth-guard';
import jwt from 'jsonwebtoken';
import type { MicroEntry, MicroResult } from '../report/results';
import { denyListLookups, denyListMemory } from './deny-list';
import { AUDIENCE, ISSUER, fixtures } from './fixtures';
import type { Fixtures } from './fixtures';
import { es256Direct, suffixKeyedCache } from './proposals';
import { signingEntries } from './signing';
import { rate } from './timing';
import { eddsaVerifier, es256SignatureOnly, hs256Verifier, withCache } from './verifiers';

/**
 * Item 5, in a process of its own (`node --expose-gc micro/main.js <budget ms> <sizes...>`):
 * one core, nothing else in the heap. Prints the MicroResult as JSON on stdout.
 */
async function main(): Promise<void> {
  const budget = Number(process.argv[2] ?? 1000);
  const sizes = process.argv.slice(3).map(Number);
  const f = fixtures();
  const verifications = [...(await guardEntries(f, budget)), ...otherEntries(f, budget)];
  const denyList = sizes.slice(0, 1).flatMap((size) => denyListLookups(size, budget));
  const memory = sizes.map(denyListMemory);
  const signing = signingEntries(budget);
  const result: MicroResult = { verifications, denyList, memory, signing };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** ES256 through the real guard: TokenVerifier from AuthGuardModule, with and without its cache. */
async function guardEntries(f: Fixtures, budget: number): Promise<MicroEntry[]> {
  const verifier = async (cacheSize: number) => {
    const module = AuthGuardModule.forRoot({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [f.es256.jwk],
      cacheSize,
    });
    const app = await NestFactory.createApplicationContext(module, { logger: false });
    return { app, verifier: app.get(TokenVerifier) };
  };
  const cached = await verifier(10_000);
  const uncached = await verifier(0);
  const churned = await verifier(CHURN_CACHE_SIZE);
  const unique = uniqueTokens(f);
  const token = f.es256.token;
  await cached.verifier.verify(token);
  // A server gets every token as a new string, read from the socket: hashing its ~560
  // characters for the Map lookup is then paid on every request. The same string object
  // over and over (the first row) keeps its hash cached by V8 and flatters the cache.
  const header = Buffer.from(`Bearer ${token}`, 'latin1');
  const direct = es256Direct(f.es256.publicKey);
  const proposedCache = suffixKeyedCache(direct);
  proposedCache(token);
  const fresh = () => header.toString('latin1', 7);
  const entries: MicroEntry[] = [
    {
      name: 'ES256, guard TokenVerifier, cache hit (same string object every time)',
      ...rate(() => cached.verifier.verify(token), budget),
    },
    {
      name: 'ES256, guard TokenVerifier, cache hit (a fresh string, as from the socket)',
      ...rate(() => cached.verifier.verify(fresh()), budget),
      note: 'includes the next row',
    },
    { name: '  creating that fresh string alone', ...rate(fresh, budget) },
    {
      // A miss whose key is held is answered synchronously: no promise to await.
      name: 'ES256, guard TokenVerifier, no cache (shape, passport strategy: signature, claims)',
      ...rate(() => settle(uncached.verifier.verify(token)), budget),
    },
    {
      name: `ES256, guard TokenVerifier, a new token every time (cache of ${CHURN_CACHE_SIZE.toLocaleString('en-US')}, full)`,
      ...rate(() => settle(churned.verifier.verify(unique())), budget),
      note: 'the miss path as a server sees it: each token cached, the oldest evicted',
    },
    {
      name: 'proposal: cache keyed by the last 32 characters, whole token compared (fresh string)',
      ...rate(() => proposedCache(fresh()), budget),
      note: 'not in the guard; includes creating the string',
    },
    {
      name: 'reference: ES256 miss without passport (shape, node:crypto verify, claims)',
      ...rate(() => direct(token), budget),
      note: 'what the strategy of the guard does, minus passport and some claim checks',
    },
  ];
  await cached.app.close();
  await uncached.app.close();
  await churned.app.close();
  return entries;
}

/** Cache size for the churn row: the guard's default, so insertions evict as in a server. */
const CHURN_CACHE_SIZE = 10_000;

/** A miss answered synchronously, or a programming error in the bench: it must never be a promise. */
function settle<T>(value: T | Promise<T>): T {
  if (value instanceof Promise) throw new Error('the guard answered a miss with a promise');
  return value;
}

/**
 * Distinct valid tokens, one more than the churn cache holds, handed out in turn: in a FIFO
 * cache of N entries a token comes back after N others were inserted, so it is always a miss.
 * Each comes as a fresh string, as from the socket.
 */
function uniqueTokens(f: Fixtures): () => string {
  const headers = Array.from({ length: CHURN_CACHE_SIZE + 1 }, () =>
    Buffer.from(f.es256.sign(), 'latin1'),
  );
  let next = 0;
  return () => {
    const header = headers[next];
    next = next + 1 === headers.length ? 0 : next + 1;
    return header.toString('latin1');
  };
}

function otherEntries(f: Fixtures, budget: number): MicroEntry[] {
  const es256 = es256SignatureOnly(f.es256.publicKey);
  const eddsa = eddsaVerifier(f.eddsa.publicKey);
  const eddsaCached = withCache(eddsa);
  const hs256 = hs256Verifier(f.hs256.key);
  const hs256Cached = withCache(hs256);
  const { token: es, publicKey } = f.es256;
  const { token: hs, secret, key } = f.hs256;
  const ed = f.eddsa.token;
  const entries: [string, () => unknown, string?][] = [
    ['ES256, node:crypto signature only (the floor)', () => es256(es)],
    [
      'ES256, jsonwebtoken with a KeyObject',
      () => jwt.verify(es, publicKey, { algorithms: ['ES256'] }),
    ],
    [
      'EdDSA (Ed25519), node:crypto + claims, no cache',
      () => eddsa(ed),
      'the guard does not support EdDSA',
    ],
    ['EdDSA (Ed25519), with a token cache (Map, same string)', () => eddsaCached(ed)],
    ['HS256, jsonwebtoken with a string secret (the article)', () => jwt.verify(hs, secret)],
    [
      'HS256, jsonwebtoken with a KeyObject, algorithm pinned',
      () => jwt.verify(hs, key, { algorithms: ['HS256'] }),
    ],
    ['HS256, node:crypto HMAC + claims, no cache', () => hs256(hs)],
    ['HS256, with a token cache (Map, same string)', () => hs256Cached(hs)],
  ];
  return entries.map(([name, operation, note]) => ({ name, ...rate(operation, budget), note }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
