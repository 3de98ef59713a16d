import { machineCpuSeconds, processCpuSeconds } from '../env/processes';
import { waitForQuiet } from './quiet';
import type { LoadResult } from './types';

let quietWaitMs = 0;
/** Before each measured run, wait up to this long for the machine to be quiet (0: never). */
export function setQuietWait(ms: number): void {
  quietWaitMs = ms;
}

/** A load run with the CPU each side used while it ran. */
export interface Sample extends LoadResult {
  /** CPU of the measured server(s) per completed request, in microseconds. */
  serverCpuUsPerReq: number;
  /** Cores busy, in percent of one core: the server(s), the load generator, everything else. */
  serverCpuPct: number;
  loadgenCpuPct: number;
  otherCpuPct: number;
}

/**
 * Runs `load` and reads the servers' CPU from /proc before and after. "Other" is what the
 * machine did besides: PostgreSQL, Redis, and whoever else shares this machine.
 */
export async function measured(
  serverPids: number[],
  load: () => Promise<LoadResult>,
): Promise<Sample> {
  if (quietWaitMs > 0) await waitForQuiet(quietWaitMs);
  const cpu = () => serverPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const serverBefore = cpu();
  const machineBefore = machineCpuSeconds();
  const wallBefore = process.hrtime.bigint();
  const result = await load();
  const wallSec = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const server = cpu() - serverBefore;
  const machine = machineCpuSeconds().busy - machineBefore.busy;
  const pct = (seconds: number) => (100 * seconds) / wallSec;
  return {
    ...result,
    serverCpuUsPerReq: result.requests > 0 ? (server * 1e6) / result.requests : Number.NaN,
    serverCpuPct: pct(server),
    loadgenCpuPct: pct(result.loadgenCpuSec),
    otherCpuPct: Math.max(0, pct(machine - server - result.loadgenCpuSec)),
  };
}
