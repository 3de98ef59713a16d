import { badClaims, expired, serviceIdentity } from './hostile-claims';
import { dangerousHeaders, hostileKids, tampered, wrongTypes } from './hostile-headers';
import { corpusContext } from './hostile-jws';
import type { HostileToken } from './hostile-jws';
import { malformed, oversized, undecodable } from './hostile-shapes';
import {
  keyConfusion,
  mangledSignatures,
  otherAlgorithms,
  unsignedTokens,
} from './hostile-signatures';
import type { TestTokenSigner } from './test-token-signer';

export type { HostileToken } from './hostile-jws';

export interface HostileTokenOptions {
  /**
   * The URL put in `jku`/`x5u` headers. Point it at a local server that counts requests to
   * prove the guard fetched nothing (default: a closed local port).
   */
  keyUrl?: string;
  /** The guard's "now" in seconds, if the app under test runs on a frozen clock. */
  now?: number;
}

/**
 * Tokens a guard configured with `signer`'s keys, issuer and `audience` must refuse with
 * 401 (`code` says which error code), never 2xx or 5xx. Other services' e2e tests reuse it:
 *
 * ```ts
 * const signer = new TestTokenSigner('http://auth.test', 'orders-service');
 * // AuthGuardModule.forRoot({ issuer: signer.issuer, audience: 'orders-service', keys: signer.jwks })
 * for (const hostile of hostileTokens(signer, 'orders-service')) {
 *   const res = await request(server).get('/orders').set('authorization', `Bearer ${hostile.token}`);
 *   if (res.status !== hostile.expectStatus) expect([res.status, res.body.code]).toEqual([401, hostile.code]);
 * }
 * ```
 *
 * Many tokens are signed by the signer's real private key, so that only the rule under test
 * (header policy, claims, time) can refuse them. Build the corpus just before use: it is
 * valid for about five minutes from `now`.
 */
export function hostileTokens(
  signer: TestTokenSigner,
  audience: string,
  options: HostileTokenOptions = {},
): HostileToken[] {
  const ctx = corpusContext(
    signer,
    audience,
    options.now ?? Math.floor(Date.now() / 1000),
    options.keyUrl ?? 'http://127.0.0.1:9/.well-known/jwks.json',
  );
  const corpus = [
    ...unsignedTokens(ctx),
    ...mangledSignatures(ctx),
    ...keyConfusion(ctx),
    ...otherAlgorithms(ctx),
    ...dangerousHeaders(ctx),
    ...hostileKids(ctx),
    ...wrongTypes(ctx),
    ...tampered(ctx),
    ...malformed(ctx),
    ...undecodable(ctx),
    ...badClaims(ctx),
    ...serviceIdentity(ctx),
    ...expired(ctx),
    ...oversized(ctx),
  ];
  const names = new Set(corpus.map((hostile) => hostile.name));
  if (names.size !== corpus.length) throw new Error('hostile token names must be unique');
  return corpus;
}
