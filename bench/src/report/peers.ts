import { median } from '../util/stats';
import type { BenchResults } from './results';
import { pairRatio, pairRatios } from './verdict';
import type { Verdict } from './verdict';

/** The peers' routes (servers/strategies/peers), in the order the peers table lists them. */
export const PEER_IDS = ['nest-jwt', 'passport-jwks', 'better-auth', 'better-auth-cached'];

export interface PeerDesign {
  id: string;
  /** What it is, as its documentation sets it up. */
  design: string;
  /** Whether a session can be cut off before its credential expires. */
  revokes: 'at once' | 'no';
  /** The honest answer for the table: can it revoke before expiry, and how fast. */
  revocation: (propagationP99Ms: number) => string;
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a');

export const PEERS: PeerDesign[] = [
  {
    id: 'hybrid',
    design:
      'ES256 from auth-service JWKS, verified-token cache, deny-list fed by a Redis stream (`JwtAuthGuard`)',
    revokes: 'at once',
    revocation: (p99) =>
      `yes, in tens of ms: logout is pushed to every guard (${Number.isFinite(p99) ? `section 4: p99 ${ms(p99)} to the slowest service` : 'measured in section 4'}), no storage read per request`,
  },
  {
    id: 'nest-jwt',
    design:
      'the NestJS documentation guard: `JwtService.verifyAsync(token, { secret })`, HS256, no issuer/audience checks',
    revokes: 'no',
    revocation: () =>
      'no: a token passes until its `exp` (the documentation signs 60 s tokens; a real setup pairs longer ones with refresh), unless the app adds its own deny-list',
  },
  {
    id: 'passport-jwks',
    design:
      '`passport-jwt` + `jwks-rsa` `passportJwtSecret` (cache, rate limit 5/min), RS256, issuer/audience/algorithm pinned',
    revokes: 'no',
    revocation: () =>
      "no: a token passes until its `exp`; only rotating the signing key cuts everyone off, and jwks-rsa's cache (10 min) delays even that",
  },
  {
    id: 'better-auth',
    design: 'better-auth `auth.api.getSession({ headers })`, database sessions (pg Pool)',
    revokes: 'at once',
    revocation: () =>
      'yes, at once: a revoked or signed-out session is gone from the database the next request reads, at the price of that read on every request',
  },
  {
    id: 'better-auth-cached',
    design: 'the same with `session.cookieCache` (5 min): a signed `session_data` cookie',
    revokes: 'no',
    revocation: () =>
      'only after the cache cookie expires: a revoked session keeps passing for up to `maxAge` (5 min here, the documented example)',
  },
];

/** Slowest service's propagation p99 in this run (NaN when section 4 did not run). */
export function propagationP99(r: BenchResults): number {
  const services = (r.propagation?.services ?? []).filter((s) => !s.reference);
  return services.length > 0 ? Math.max(...services.map((s) => s.p99Ms)) : Number.NaN;
}

const verdict = (goal: string, value: number, threshold: number, shown: string): Verdict => ({
  goal,
  measured: Number.isFinite(value) ? shown : 'n/a',
  met: Number.isFinite(value) ? value >= threshold : undefined,
  gap:
    Number.isFinite(value) && value < threshold
      ? `missed by ${(100 * (1 - value / threshold)).toFixed(1)}%`
      : '',
});

/**
 * The issue's targets against the peers, from the same rounds: hybrid >= 0.95x the fastest
 * peer that cannot revoke before expiry, and ahead (> 1.0x) of every peer that can.
 */
export function peerVerdicts(r: BenchResults, connections: number): Verdict[] {
  const samples = r.strategies?.samples ?? [];
  const measured = (id: string) =>
    samples.some((s) => s.target === id && s.connections === connections);
  if (!measured('hybrid') || !PEER_IDS.some(measured)) return [];
  const rps = (id: string) =>
    median(
      samples.filter((s) => s.target === id && s.connections === connections).map((s) => s.rps),
    );
  const vs = (id: string) => pairRatio(samples, 'hybrid', id, connections);
  const shown = (id: string) =>
    `${vs(id).toFixed(2)}x against \`${id}\` (rounds: ${pairRatios(
      samples,
      'hybrid',
      id,
      connections,
    )
      .map((v) => v.toFixed(2))
      .join(', ')})`;
  const peers = PEERS.filter((p) => p.id !== 'hybrid' && measured(p.id));
  const stateless = peers.filter((p) => p.revokes === 'no');
  const revoking = peers.filter((p) => p.revokes === 'at once');
  const verdicts: Verdict[] = [];
  if (stateless.length > 0) {
    const fastest = stateless.reduce((a, b) => (rps(b.id) > rps(a.id) ? b : a));
    verdicts.push(
      verdict(
        `hybrid >= 0.95x the fastest peer that cannot revoke before expiry (${connections} connections; ${stateless.map((p) => `\`${p.id}\``).join(', ')})`,
        vs(fastest.id),
        0.95,
        shown(fastest.id),
      ),
    );
  }
  if (revoking.length > 0) {
    const closest = revoking.reduce((a, b) => (vs(b.id) < vs(a.id) ? b : a));
    const v = verdict(
      `hybrid ahead of every peer that can revoke (> 1.0x; ${connections} connections; ${revoking.map((p) => `\`${p.id}\``).join(', ')})`,
      vs(closest.id),
      1,
      shown(closest.id),
    );
    // "Ahead" is strict: a tie is not ahead.
    verdicts.push({ ...v, met: v.met === undefined ? undefined : vs(closest.id) > 1 });
  }
  return verdicts;
}
