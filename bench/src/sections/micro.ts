import { execFile } from 'node:child_process';
import path from 'node:path';
import type { MicroResult } from '../report/results';
import type { BenchSettings } from '../settings';
import { log } from '../util/log';

/** Item 5 in a child process: its own heap (for the memory figures) and a cold, quiet start. */
export async function runMicro(settings: BenchSettings): Promise<MicroResult> {
  log('micro-benchmarks (verifications, deny-list lookups and memory)');
  const script = path.resolve(__dirname, '../micro/main.js');
  const args = [
    '--expose-gc',
    script,
    String(settings.microMs),
    ...settings.denyListSizes.map(String),
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      args,
      { maxBuffer: 1 << 22, env: { PATH: process.env.PATH ?? '' } },
      (error, out, err) =>
        error
          ? reject(new Error(`micro-benchmarks failed: ${error.message}\n${err}`))
          : resolve(out),
    ),
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as MicroResult;
}
