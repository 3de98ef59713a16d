import type { BenchResults } from './results';
import { cpuBeyond, pairRatio } from './targets';
import { duration, us } from './format';

/**
 * What the numbers of one run say about the targets: CPU per request on both sides, what the
 * profile and the micro-benchmarks attribute to the guard, how busy the machine was. Every
 * figure comes from the same run; bench/README.md argues what would close the gaps.
 */
export function explanations(r: BenchResults, connections: number): string[] {
  const s = r.strategies;
  if (!s) return [];
  const at = (target: string) =>
    s.summaries.find((x) => x.target === target && x.connections === connections);
  const micro = (prefix: string) => r.micro?.verifications.find((v) => v.name.startsWith(prefix));
  const [none, hybrid, pg, redis, hs, unique] = [
    'none',
    'hybrid',
    'session-pg',
    'session-redis',
    'hs256',
    'hybrid-unique',
  ].map(at);
  const lines: string[] = [];
  if (!none || !hybrid) return lines;
  const beyond = (target: string) => us(cpuBeyond(r, connections, target, 'none'));
  const levels = [...new Set(s.summaries.map((x) => x.connections))];
  const overheadAt = (c: number) => {
    const cpu = (target: string) =>
      us(s.summaries.find((x) => x.target === target && x.connections === c)?.cpuUsPerReq ?? NaN);
    return `at ${c} connections, server CPU per request is ${cpu('none')} us unguarded, ${cpu('noop-guard')} us behind a no-op guard, ${cpu('hybrid')} us behind the hybrid guard (median per-round differences: hybrid - unguarded ${us(cpuBeyond(r, c, 'hybrid', 'none'))} us, of which no-op guard - unguarded ${us(cpuBeyond(r, c, 'noop-guard', 'none'))} us is Nest's price for any guard and hybrid - no-op ${us(cpuBeyond(r, c, 'hybrid', 'noop-guard'))} us the guard's own work; throughput ratio ${pairRatio(s.samples, 'hybrid', 'none', c).toFixed(2)}x)`;
  };
  lines.push(
    `**Guard overhead**: ${levels.map(overheadAt).join('; ')}. Differences of a few microseconds are within this machine's run-to-run noise.` +
      (r.profile
        ? ` The profile of the steady state finds ${us(r.profile.hits.guardUsPerReq)} us per request in frames of the guard and passport.`
        : ''),
  );
  const fresh = micro('ES256, guard TokenVerifier, cache hit (a fresh string');
  const same = micro('ES256, guard TokenVerifier, cache hit (same string');
  if (fresh && same) {
    lines.push(
      `**Cache hit cost**: ${duration(fresh.nsPerOp)} with a token string fresh from the socket, against ${duration(same.nsPerOp)} for the same string object (the cache keys on the signature's last 32 characters and compares the whole token on a hit, so V8 never hashes the ~560-character string).`,
    );
  }
  if (pg && redis) {
    lines.push(
      `**Session-only on one machine**: PostgreSQL and Redis share the 2 cores with the server and the load generator; "other CPU" was ${pg.otherCpuPct.toFixed(0)}% of a core during session-pg, ${redis.otherCpuPct.toFixed(0)}% during session-redis, ${hybrid.otherCpuPct.toFixed(0)}% during hybrid (this includes anything else running on the machine). In the server itself, beyond the unguarded route: ${beyond('session-pg')} us per request for the pg lookup, ${beyond('session-redis')} us for the Redis GET, ${beyond('hybrid')} us for the hybrid guard.`,
    );
  }
  const hmac = micro('HS256, node:crypto HMAC');
  if (hs && hmac) {
    lines.push(
      `**Against HS256 done well**: it costs the server ${beyond('hs256')} us of CPU per request beyond the unguarded route, the hybrid guard ${beyond('hybrid')} us. On one core alone, an HMAC plus the claim checks take ${duration(hmac.nsPerOp)}${fresh ? ` and a cache hit on a fresh token string ${duration(fresh.nsPerOp)}` : ''}: HS256 computes an HMAC (and OpenSSL sets one up) on every request, the hybrid guard only hashes the token for its cache.`,
    );
  }
  const floor = micro('ES256, node:crypto signature only');
  const guardMiss = micro('ES256, guard TokenVerifier, no cache');
  const churn = micro('ES256, guard TokenVerifier, a new token every time');
  const jsonwebtoken = micro('ES256, jsonwebtoken with a KeyObject');
  if (unique && floor && guardMiss) {
    const extra = guardMiss.nsPerOp - floor.nsPerOp;
    lines.push(
      `**Misses**: with a new token on every request the route does ${Math.round(unique.rps).toLocaleString('en-US')} req/s at ${us(unique.cpuUsPerReq)} us CPU per request. One verification through the guard costs ${duration(guardMiss.nsPerOp)} on one core${churn ? ` (${duration(churn.nsPerOp)} with a new token every time into a full cache)` : ''}, against ${duration(floor.nsPerOp)} for the ECDSA check alone: ${extra > 0 ? `the shape and UTF-8 checks, passport and the claim checks add ${duration(extra)}` : 'in this run the two were within noise of each other'}${jsonwebtoken ? ` (jsonwebtoken alone, which the guard's strategy no longer calls, takes ${duration(jsonwebtoken.nsPerOp)})` : ''}.`,
    );
  }
  return lines;
}
