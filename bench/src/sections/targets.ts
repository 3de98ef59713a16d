import type { Stack } from '../env/stack';
import { strategyRoute } from './target';
import type { Target } from './target';
import { peerTargets } from './peer-targets';

export type { Target };

/**
 * Every target carries an Authorization header of similar size (the unguarded routes ignore
 * theirs), so request bytes and parsing are alike and only the strategy differs.
 */
export function strategyTargets(stack: Stack): Target[] {
  const hybrid = stack.sessions.map((s) => s.accessToken);
  const route = (id: string, label: string, tokens: readonly string[]) =>
    strategyRoute(stack.strategies, id, label, tokens);
  return [
    {
      id: 'raw',
      label: 'raw node:http (platform ceiling)',
      url: `${stack.raw.url}/bench/none`,
      tokens: hybrid,
      pid: stack.raw.pid,
      counted: false,
    },
    route('none', 'NestJS+Fastify, unguarded', hybrid),
    route('noop-guard', 'control: a guard that returns true', hybrid),
    route('hs256-article', 'JWT-only HS256, as the article (string secret)', stack.hs256Tokens),
    route('hs256', 'JWT-only HS256, done well', stack.hs256Tokens),
    route('session-pg', 'session-only, PostgreSQL lookup', stack.opaqueIds),
    route('session-redis', 'session-only, Redis GET', stack.opaqueIds),
    route('hybrid', 'hybrid (ours): ES256 + cache + deny-list', hybrid),
    ...peerTargets(stack),
  ];
}

/** Fails early, naming the route, when a target does not answer 200 to its own credentials. */
export async function checkTargets(targets: Target[]): Promise<void> {
  for (const target of targets) {
    if (target.renew) target.tokens = await target.renew();
    const response = await fetch(target.url, {
      headers:
        target.header === 'cookie'
          ? { cookie: target.tokens[0] }
          : { authorization: `Bearer ${target.tokens[0]}` },
    });
    const body = await response.text();
    if (response.status !== 200) {
      throw new Error(`${target.id} answered ${response.status} to a valid credential: ${body}`);
    }
  }
}

export async function readStats(stack: Stack): Promise<{ postgres: number; redis: number }> {
  const response = await fetch(`${stack.strategies.url}/bench/_stats`);
  return (await response.json()) as { postgres: number; redis: number };
}
