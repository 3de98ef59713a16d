import { JwtService } from '@nestjs/jwt';
import { signAccessToken } from '@hybrid-auth/auth-guard/testing';
import { generateKeyPairSync } from 'node:crypto';
import type { MicroEntry } from '../report/results';
import { claims } from './fixtures';
import { rate } from './timing';

/**
 * What issuing one access token costs auth-service: the signature over the same claims,
 * through `@nestjs/jwt` with the options auth-service's AccessTokenSigner passes (ES256, a
 * KeyObject, header `{ alg, typ: at+jwt, kid }`), and through the hand-written node:crypto
 * signer auth-service used before (kept as the testing helper `signAccessToken`), in the
 * same process so the two figures compare.
 */
export function signingEntries(budget: number): MicroEntry[] {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'bench-es256';
  const jwt = new JwtService({});
  const body = claims();
  const options = {
    algorithm: 'ES256' as const,
    privateKey,
    header: { alg: 'ES256' as const, typ: 'at+jwt', kid },
  };
  return [
    {
      name: 'ES256 access token, @nestjs/jwt JwtService.sign (auth-service)',
      ...rate(() => jwt.sign(body, options), budget),
    },
    {
      name: 'ES256 access token, hand-written node:crypto signer (before @nestjs/jwt)',
      ...rate(() => signAccessToken(body, privateKey, kid), budget),
      note: 'now a testing helper only',
    },
  ];
}
