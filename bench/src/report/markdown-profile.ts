import type { BenchResults, ProfileResult } from './results';
import { pct, rate, table, us } from './format';

function run(p: ProfileResult, topN: number): string[] {
  const file = p.file.split('/').slice(-2).join('/');
  return [
    `### ${p.label}`,
    `${rate(p.requests)} requests, ${rate(p.totalMs)} ms of CPU sampled (\`${file}\`, opens in Chrome DevTools). **In the guard: ${us(p.guardUsPerReq)} us of CPU per request** (samples with a frame of \`@hybrid-auth/auth-guard\` or of the passport stack anywhere on the stack). By package, self time:`,
    table(
      ['package or runtime part', 'self ms', 'share', 'us/request'],
      p.byCategory
        .slice(0, 14)
        .map((c) => [c.category, rate(c.selfMs), pct(c.selfPct), us(c.usPerReq)]),
    ),
    'Top functions by self time:',
    table(
      ['function', 'where', 'self ms', 'share', 'us/request'],
      p.top
        .slice(0, topN)
        .map((e) => [
          `\`${e.name}\``,
          e.where,
          rate(e.selfMs),
          `${e.selfPct.toFixed(1)}%`,
          us((e.selfMs * 1000) / p.requests),
        ]),
    ),
    "The guard's samples, by the function they were in (self time):",
    table(
      ['function', 'where', 'self ms', 'us/request'],
      p.guardFrames.map((e) => [
        `\`${e.name}\``,
        e.where,
        rate(e.selfMs),
        us((e.selfMs * 1000) / p.requests),
      ]),
    ),
  ];
}

export function profileSection(r: BenchResults): string {
  const p = r.profile;
  if (!p) return '## CPU profile of the hybrid route\n\nNot run.';
  return [
    '## CPU profile of the hybrid route',
    `V8's sampling profiler (250 us interval) on a second strategies server, switched on for exactly one ${r.settings.durationSec} s run of \`/bench/hybrid\` at ${r.settings.connections} connections, after a warm-up. Self time: time in a function itself, not in what it calls. The steady state first (reused tokens: cache hits), then the miss path (a token never seen before on every request).`,
    ...run(p.hits, 20),
    ...run(p.misses, 12),
  ].join('\n\n');
}
