import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from './markdown';
import type { BenchResults } from './results';
import { renderSvg } from './svg';

/** Writes RESULTS.md and results.svg into `outDir`; returns their paths. */
export function writeReport(results: BenchResults, outDir: string): string[] {
  const markdown = path.join(outDir, 'RESULTS.md');
  const chart = path.join(outDir, 'results.svg');
  writeFileSync(markdown, renderMarkdown(results));
  writeFileSync(chart, renderSvg(results));
  return [markdown, chart];
}
