import type { Stack } from '../env/stack';
import { strategyRoute } from './target';
import type { Target } from './target';

/**
 * What a team would pick instead, on the same app and in the same interleaved rounds as the
 * strategies, so their ratios to the unguarded and hybrid routes compare runs seconds apart.
 * The JWT peers get bearer tokens with the pool's claims (HS256 with the shared secret; RS256
 * from the locally served JWKS); better-auth gets the cookies its own sign-in set.
 */
export function peerTargets(stack: Stack): Target[] {
  const route = (id: string, label: string, tokens: readonly string[]) =>
    strategyRoute(stack.strategies, id, label, tokens);
  const { betterAuth } = stack.peers;
  return [
    route(
      'nest-jwt',
      'NestJS docs guard: @nestjs/jwt verifyAsync, HS256 secret',
      stack.hs256Tokens,
    ),
    route('passport-jwks', 'passport-jwt + jwks-rsa, RS256', stack.peers.rs256Tokens),
    {
      ...route('better-auth', 'better-auth getSession, database sessions', betterAuth.tokenCookies),
      header: 'cookie',
    },
    {
      // Filled by renew before each use: the cache cookie lives 5 minutes.
      ...route('better-auth-cached', 'better-auth getSession, cookie cache (5 min)', []),
      header: 'cookie',
      renew: () => betterAuth.cachedCookies(),
    },
  ];
}
