import { STRATEGY_ORDER as ORDER } from './results';
import type { BenchResults, TargetSummary } from './results';

const SHORT: Record<string, string> = {
  raw: 'raw node:http',
  none: 'Nest, unguarded',
  'noop-guard': 'Nest, no-op guard',
  'hs256-article': 'HS256, article code',
  hs256: 'HS256, done well',
  'session-pg': 'session, PostgreSQL',
  'session-redis': 'session, Redis',
  hybrid: 'hybrid (ours)',
  'hybrid-unique': 'hybrid, new token each',
  'nest-jwt': 'peer: NestJS docs guard',
  'passport-jwks': 'peer: passport + jwks-rsa',
  'better-auth': 'peer: better-auth, DB',
  'better-auth-cached': 'peer: better-auth, cookie',
};
const COLOR: Record<string, string> = {
  raw: '#4a5568',
  none: '#718096',
  hybrid: '#2b6cb0',
  'hybrid-unique': '#63b3ed',
};

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const sorted = (list: TargetSummary[]) =>
  [...list].sort((a, b) => ORDER.indexOf(a.target) - ORDER.indexOf(b.target));

interface Panel {
  title: string;
  rows: { target: string; value: number; label: string }[];
}

/** A hand-written bar chart (no dependencies, system fonts only): throughput, then p99 latency. */
export function renderSvg(r: BenchResults): string {
  const summaries = r.strategies?.summaries ?? [];
  const [high, low] = [...new Set(summaries.map((s) => s.connections))];
  const panels: Panel[] = [
    {
      title: `Requests per second, ${high} connections (median of ${r.settings.rounds} rounds; x = vs unguarded)`,
      rows: sorted(summaries.filter((s) => s.connections === high)).map((s) => ({
        target: s.target,
        value: s.rps,
        label: `${Math.round(s.rps).toLocaleString('en-US')}  (${s.vsNone.toFixed(2)}x)`,
      })),
    },
    {
      title: `p99 latency in ms, ${low ?? high} connections (lower is better)`,
      rows: sorted(summaries.filter((s) => s.connections === (low ?? high))).map((s) => ({
        target: s.target,
        value: s.p99Ms,
        label: `${s.p99Ms.toFixed(2)} ms`,
      })),
    },
  ];
  const width = 820;
  const barHeight = 22;
  let y = 16;
  const parts: string[] = [];
  for (const panel of panels) {
    y += 24;
    parts.push(
      `<text x="10" y="${y}" font-size="15" font-weight="bold">${escape(panel.title)}</text>`,
    );
    y += 12;
    const max = Math.max(...panel.rows.map((row) => row.value).filter(Number.isFinite), 1);
    for (const row of panel.rows) {
      const length = Number.isFinite(row.value) ? Math.max(1, (row.value / max) * 430) : 0;
      const color = COLOR[row.target] ?? '#a0aec0';
      parts.push(
        `<text x="180" y="${y + 16}" font-size="13" text-anchor="end">${escape(SHORT[row.target] ?? row.target)}</text>`,
        `<rect x="190" y="${y + 3}" width="${length.toFixed(1)}" height="${barHeight - 6}" fill="${color}"/>`,
        `<text x="${(196 + length).toFixed(1)}" y="${y + 16}" font-size="12">${escape(row.label)}</text>`,
      );
      y += barHeight;
    }
    y += 10;
  }
  const date = r.startedAt.slice(0, 10);
  parts.push(
    `<text x="10" y="${y + 14}" font-size="11" fill="#4a5568">${escape(`${r.machine.cpuModel}, ${r.machine.cores} cores shared by server, load generator (${r.loadgen}), PostgreSQL and Redis; ${date}. See RESULTS.md.`)}</text>`,
  );
  const height = y + 28;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
