/** A GitHub-flavoured Markdown table; `align` per column ('l' or 'r'). */
export function table(
  header: string[],
  rows: string[][],
  align: string = 'l'.padEnd(header.length, 'r'),
): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

export const ms = (value: number) =>
  Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a';
export const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
export const pct = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)}%` : 'n/a');
export const us = (value: number) =>
  Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : 'n/a';

/** "12,345" for rates, never "12345.678". */
export const rate = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';

/** Operation costs in the unit that reads best (ns below 1 us). */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(ns < 10_000 ? 2 : 1)} us`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
