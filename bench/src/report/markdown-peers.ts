import { median } from '../util/stats';
import { ms, rate, table, times, us } from './format';
import { PEERS, propagationP99 } from './peers';
import type { BenchResults } from './results';
import { pairRatio } from './targets';

const HEADER = [
  'route',
  'design',
  'can revoke before expiry? how fast',
  'req/s',
  'x unguarded',
  'x hybrid',
  'p50 ms',
  'p99 ms',
  'server CPU us/req',
  'storage calls/req',
  'non-2xx + errors',
];

/** The peers beside ours: same app, same rounds, same load generator (section 1's samples). */
export function peersSection(r: BenchResults): string {
  const s = r.strategies;
  const title = '## Peers on the same app';
  if (!s || !s.summaries.some((x) => PEERS.some((p) => p.id !== 'hybrid' && p.id === x.target)))
    return `${title}\n\nNot run.`;
  const p99 = propagationP99(r);
  const levels = [...new Set(s.summaries.map((x) => x.connections))];
  const rows = (c: number) =>
    PEERS.flatMap((peer) => {
      const x = s.summaries.find((y) => y.target === peer.id && y.connections === c);
      if (!x) return [];
      const storage = x.postgresPerReq > 0 ? `${x.postgresPerReq.toFixed(2)} pg` : '0';
      return [
        [
          `\`${peer.id}\``,
          peer.design,
          peer.revocation(p99),
          rate(x.rps),
          times(x.vsNone),
          peer.id === 'hybrid' ? '1.00x' : times(pairRatio(s.samples, peer.id, 'hybrid', c)),
          ms(x.p50Ms),
          ms(x.p99Ms),
          us(x.cpuUsPerReq),
          storage,
          String(x.non2xx + x.errors),
        ],
      ];
    });
  const check = s.peerRevocation;
  const checked = check
    ? `**Checked in this run**: a better-auth session answered ${check.before.database} on \`better-auth\` and ${check.before.cookieCache} on \`better-auth-cached\`; right after better-auth's \`signOut\` deleted it, ${check.after.database} on \`better-auth\` (revoked at once) and ${check.after.cookieCache} on \`better-auth-cached\` with its cache cookie (${check.after.cookieCache === 200 ? 'still let through: it will be until the cookie expires' : 'refused'}).`
    : '';
  const cachedCheckouts = median(
    s.samples.filter((x) => x.target === 'better-auth-cached').map((x) => x.postgresPerReq ?? 0),
  );
  return [
    title,
    'What a team would pick instead of hybrid-auth, each wired the way its own documentation shows, as a route of the same NestJS/Fastify app (`bench/src/servers/strategies/peers`), measured in the same interleaved rounds as section 1 with the same load generator. "x unguarded" and "x hybrid" are medians of per-round ratios (this route over the same round\'s `none` or `hybrid`). Storage calls are PostgreSQL connection checkouts counted in the server (better-auth queries through its pool).',
    ...levels.map((c) =>
      [
        `### ${c} connections, ${r.settings.durationSec} s per run`,
        table(HEADER, rows(c), 'lllrrrrrrrr'),
      ].join('\n\n'),
    ),
    [
      '**How to read it.** The peers do not all buy the same thing, so compare within a class:',
      '',
      "- `nest-jwt` and `passport-jwks` verify a signature and nothing else: they cannot revoke a token before its `exp`. `nest-jwt` passes its secret as a string, as the documentation does, so jsonwebtoken tries (and fails) to parse it as a PEM key on every call (section 1 explains the article's figure the same way); `passport-jwks` pays an RS256 verification on every request, with nothing cached but the key.",
      `- \`better-auth\` (database sessions) revokes at once and pays for it with PostgreSQL reads on every request (the "storage calls" column); \`better-auth-cached\` skips them while its 5-minute cookie is valid (${Number.isFinite(cachedCheckouts) ? `${cachedCheckouts.toFixed(2)} checkouts a request measured` : 'n/a'}), which is exactly the window in which a revoked session still passes.`,
      '- `hybrid` verifies once per token (then a cache hit) and checks an in-memory deny-list that auth-service pushes revocations to: no storage read per request, revocation in tens of milliseconds (section 4). The targets above compare it with the fastest peer that cannot revoke and with every peer that can.',
      '- better-auth sessions are browser cookies (sign-in through its API, then the `Cookie` header); the JWT routes get `Authorization: Bearer`. The cookie-cache cookies expire after 5 minutes: the bench renews them the way a browser would (one `getSession` each) before every run that uses them.',
    ].join('\n'),
    checked,
  ]
    .filter(Boolean)
    .join('\n\n');
}
