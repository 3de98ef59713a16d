import { PEER_IDS } from './peers';
import { STRATEGY_ORDER as ORDER } from './results';
import type { BenchResults, TargetSummary } from './results';
import { duration, ms, pct, rate, table, times, us } from './format';

function rows(summaries: TargetSummary[]): string[][] {
  return summaries
    .filter((s) => !PEER_IDS.includes(s.target)) // their own table: markdown-peers.ts
    .sort((a, b) => ORDER.indexOf(a.target) - ORDER.indexOf(b.target))
    .map((s) => [
      `\`${s.target}\`: ${s.label}`,
      rate(s.rps),
      times(s.vsNone),
      times(s.vsRaw),
      ms(s.p50Ms),
      ms(s.p99Ms),
      us(s.cpuUsPerReq),
      storage(s),
      pct(s.serverCpuPct),
      pct(s.loadgenCpuPct),
      pct(s.otherCpuPct),
      String(s.non2xx + s.errors),
    ]);
}

function storage(s: TargetSummary): string {
  if (s.target === 'raw') return 'n/a';
  const parts = [];
  if (s.postgresPerReq > 0) parts.push(`${s.postgresPerReq.toFixed(2)} pg`);
  if (s.redisPerReq > 0) parts.push(`${s.redisPerReq.toFixed(2)} redis`);
  return parts.length > 0 ? parts.join(' + ') : '0';
}

const HEADER = [
  'strategy (route)',
  'req/s',
  'x unguarded',
  'x raw',
  'p50 ms',
  'p99 ms',
  'server CPU us/req',
  'storage calls/req',
  'server CPU',
  'loadgen CPU',
  'other CPU',
  'non-2xx + errors',
];

export function strategiesSection(r: BenchResults): string {
  const s = r.strategies;
  if (!s) return '## 1. Strategies side by side\n\nNot run.';
  const levels = [...new Set(s.summaries.map((x) => x.connections))];
  const unique = s.samples.filter((x) => x.target === 'hybrid-unique');
  const article = s.summaries.find(
    (x) => x.target === 'hs256-article' && x.connections === levels[0],
  );
  const stringSecret = r.micro?.verifications.find((v) => v.name.includes('string secret'));
  const keyObject = r.micro?.verifications.find((v) =>
    v.name.startsWith('HS256, jsonwebtoken with a KeyObject'),
  );
  return [
    '## 1. Strategies side by side',
    '![Requests per second and p99 latency per strategy](results.svg)',
    'One NestJS 12 app on Fastify (`bench/src/servers/strategies`, built with `@hybrid-auth/platform` like every service), one route per strategy, all answering `{"ok":true}`; a raw `node:http` server answering the same bytes is the platform ceiling. "x unguarded" and "x raw" are medians of per-round ratios. "server CPU us/req" is user+system time of the server process over completed requests; "server CPU", "loadgen CPU" and "other CPU" are in percent of one core (other: PostgreSQL, Redis, and whatever else ran on the machine). Storage calls are counted in the server.',
    ...levels.map((c, i) =>
      [
        `### ${c} connections${i === 0 ? " (the article's setting)" : ' (latency-focused)'}, ${r.settings.durationSec} s per run`,
        table(HEADER, rows(s.summaries.filter((x) => x.connections === c))),
      ].join('\n\n'),
    ),
    unique.length > 0
      ? `\`hybrid-unique\` sends a token the server has never seen on every request (${rate(Math.min(...unique.map((u) => u.distinctTokens ?? 0)))}+ distinct tokens per run, minted with auth-service's signing key for live sessions): no cache hit, so every request pays ECDSA verification. It is the cost of a burst of fresh logins, and the ceiling without the verified-token cache. It runs at the end of each round at 100 connections and evicts the reused pool from that cache, so the hybrid target is warmed again (1 s, unmeasured, as every target is before round 1) before the next round.`
      : '',
    article
      ? `**The article's JWT-only figure** (~5,527 req/s, ~0.97 ms, autocannon 100 connections 10 s) compares with \`hs256-article\` here: ${rate(article.rps)} req/s, p50 ${ms(article.p50Ms)} ms. Its cost is not HMAC: \`jsonwebtoken.verify\` given a string secret first tries to parse it as a PEM public key, and that failing \`createPublicKey\` costs ${stringSecret ? duration(stringSecret.nsPerOp) : 'n/a'} per call, against ${keyObject ? duration(keyObject.nsPerOp) : 'n/a'} with a \`KeyObject\` (section 5).`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
