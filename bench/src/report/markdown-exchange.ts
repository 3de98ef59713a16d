import type { BenchResults, PhaseSummary } from './results';
import { duration, ms, rate, table, times, us } from './format';

const pctOf = (value: number) =>
  Number.isFinite(value) ? `${value < 1 ? value.toFixed(2) : value.toFixed(1)}%` : 'n/a';

const row = (p: PhaseSummary) => [
  p.name,
  String(p.connections),
  `${rate(p.rps)} req/s`,
  ms(p.p50Ms),
  ms(p.p99Ms),
  us(p.cpuUsPerReq),
  String(p.non2xx + p.errors),
];

export const EXCHANGE_HEADING = '## 6. What a token exchange costs against a request';

export function exchangeSection(r: BenchResults): string {
  const x = r.exchange;
  if (!x) return `${EXCHANGE_HEADING}\n\nNot run.`;
  const c = x.caller;
  return [
    EXCHANGE_HEADING,
    `\`POST /auth/token\` (token exchange, RFC 8693; the bench's client \`${x.clientId}\` authenticates with \`private_key_jwt\` and asks for \`${x.audience}\`, a fresh assertion per request) against \`GET /auth/me\` (a verified token and a session read), on the same auth-service, at the same connections, interleaved rounds, the users' access tokens in turn. An exchange verifies the assertion and the user's token (ECDSA each), records the assertion's \`jti\` (one insert), reads the session and signs a token. Server CPU is auth-service's.`,
    table(
      [
        'request',
        'connections',
        'throughput',
        'p50 ms',
        'p99 ms',
        'server CPU us/req',
        'non-2xx + errors',
      ],
      [row(x.me), row(x.exchange)],
    ),
    `Exchange over \`GET /auth/me\` (medians of per-round ratios): server CPU **${times(x.cpuRatio)}**, p50 **${times(x.p50Ratio)}**, p99 **${times(x.p99Ratio)}**, throughput **${times(x.rpsRatio)}**.`,
    `**The caller's side** (the bench process, real \`ServiceTokens\` of \`@hybrid-auth/auth-guard\`): signing one client assertion costs ${duration(c.assertionUs * 1000)} (${pctOf((100 * c.assertionUs) / x.exchange.cpuUsPerReq)} of auth-service's CPU per exchange); a cache hit costs ${duration(c.cacheHitUs * 1000)}. A burst of ${c.burstCalls} calls for one user and audience (half concurrent, half in turn) made **${c.burstExchanges}** exchange${c.burstExchanges === 1 ? '' : 's'}.`,
    `**Amortised per request**: exchanged tokens live ${x.expiresInSec} s (\`expires_in\` of a real exchange) and \`ServiceTokens\` renews them 10 s early, so one user behind one edge costs at most one exchange every ${x.intervalSec} s, and at most one per request. What those exchanges add to the user's requests through that edge, from the ratios above (server CPU, p50):`,
    table(
      [
        'requests per user per minute',
        'exchanges per minute',
        '+ server CPU',
        '+ latency (mean, of the p50)',
      ],
      x.amortised.map((a) => [
        String(a.perMinute),
        a.exchangesPerMinute.toFixed(2),
        pctOf(a.cpuPct),
        pctOf(a.latencyPct),
      ]),
    ),
  ].join('\n\n');
}
