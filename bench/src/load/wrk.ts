import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GetLoad, LoadGenerator, LoadResult } from './types';
import { WRK_SCRIPT } from './wrk-script';

interface WrkOutput {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * wrk with one thread: a C event loop that costs the server far less CPU than a Node load
 * generator would (on 2 cores they share the machine). It runs under a bash that prints its
 * own /proc stat afterwards: the children's CPU fields there are wrk's CPU time.
 */
export class Wrk implements LoadGenerator {
  readonly name = 'wrk' as const;
  private readonly script: string;
  private readonly tokenFiles = new WeakMap<readonly string[], string>();
  private files = 0;

  constructor(private readonly workDir: string) {
    this.script = path.join(workDir, 'wrk-tokens.lua');
    writeFileSync(this.script, WRK_SCRIPT);
  }

  async get(load: GetLoad): Promise<LoadResult> {
    const tokens = load.tokens ? this.tokenFile(load.tokens) : '';
    const args = [
      '-c',
      'wrk "$@"; echo "WRK_SHELL $(cat /proc/$$/stat)"',
      'bash',
      '-t1',
      `-c${load.connections}`,
      `-d${Math.max(1, Math.round(load.durationSec))}s`,
      '--timeout',
      '5s',
      '-s',
      this.script,
      load.url,
      tokens,
      load.header ?? 'authorization',
    ];
    try {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile('bash', args, { maxBuffer: 1 << 20 }, (error, out, err) =>
          error ? reject(new Error(`wrk failed: ${error.message}\n${err}`)) : resolve(out),
        ),
      );
      return parse(stdout);
    } finally {
      // A file of 100k+ fresh tokens is tens of megabytes: not kept once used.
      if (load.oneShot && load.tokens) {
        rmSync(tokens, { force: true });
        this.tokenFiles.delete(load.tokens);
      }
    }
  }

  private tokenFile(tokens: readonly string[]): string {
    let file = this.tokenFiles.get(tokens);
    if (!file) {
      this.files += 1;
      file = path.join(this.workDir, `tokens-${this.files}.txt`);
      writeFileSync(file, `${tokens.join('\n')}\n`);
      this.tokenFiles.set(tokens, file);
    }
    return file;
  }
}

function parse(stdout: string): LoadResult {
  const result = /WRK_RESULT (\{.*\})/.exec(stdout);
  const shell = /WRK_SHELL (.*)/.exec(stdout);
  if (!result || !shell) throw new Error(`unexpected wrk output:\n${stdout}`);
  const r = JSON.parse(result[1]) as WrkOutput;
  const stat = shell[1].slice(shell[1].lastIndexOf(')') + 2).split(' ');
  const durationSec = r.durationUs / 1e6;
  return {
    tool: 'wrk',
    requests: r.requests,
    durationSec,
    rps: r.requests / durationSec,
    p50Ms: r.p50 / 1000,
    p90Ms: r.p90 / 1000,
    p99Ms: r.p99 / 1000,
    maxMs: r.max / 1000,
    non2xx: r.status,
    errors: r.connect + r.read + r.write + r.timeout,
    // cutime + cstime of the shell: the CPU of the wrk it waited for.
    loadgenCpuSec: (Number(stat[13]) + Number(stat[14])) / 100,
  };
}
