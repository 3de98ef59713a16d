import { machineCpuSeconds } from '../env/processes';
import { sleep } from '../util/log';

/** Busy CPU, in cores, of the whole machine over `ms`. */
async function busyCores(ms: number): Promise<number> {
  const before = machineCpuSeconds().busy;
  await sleep(ms);
  return (machineCpuSeconds().busy - before) / (ms / 1000);
}

/**
 * Waits, up to `maxWaitMs`, until the machine has been nearly idle (under `threshold` cores
 * busy) for two consecutive half-seconds. The servers under test idle between runs, so what
 * is busy then is someone else: on a shared machine, other people's builds and test suites
 * come and go, and a run started in a lull is worth a few seconds' wait. Returns the wait.
 */
export async function waitForQuiet(maxWaitMs: number, threshold = 0.3): Promise<number> {
  const started = Date.now();
  let quiet = 0;
  while (Date.now() - started < maxWaitMs) {
    quiet = (await busyCores(500)) < threshold ? quiet + 1 : 0;
    if (quiet >= 2) break;
  }
  return Date.now() - started;
}
