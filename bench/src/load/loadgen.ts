import { execFileSync } from 'node:child_process';
import type { LoadgenChoice } from '../settings';
import { log } from '../util/log';
import { Autocannon } from './autocannon';
import type { LoadGenerator } from './types';
import { Wrk } from './wrk';

const hasWrk = () => {
  try {
    execFileSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * wrk when available (installed from Debian when running as root and allowed to); autocannon
 * otherwise. The choice is recorded in the results: figures from the two are not comparable,
 * autocannon spends several times more CPU per request on a machine the server shares.
 */
export function chooseLoadGenerator(
  choice: LoadgenChoice,
  workDir: string,
  mayInstall: boolean,
): LoadGenerator {
  if (choice === 'autocannon') return new Autocannon();
  if (!hasWrk() && mayInstall && process.getuid?.() === 0) {
    log('wrk not found: installing it from Debian (apt-get install -y wrk)');
    try {
      execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], {
        stdio: 'ignore',
        timeout: 120_000,
      });
    } catch {
      log('apt-get install wrk failed; falling back to autocannon');
    }
  }
  if (hasWrk()) return new Wrk(workDir);
  if (choice === 'wrk') throw new Error('--loadgen wrk: wrk is not installed');
  log('wrk not available: every run uses autocannon');
  return new Autocannon();
}
