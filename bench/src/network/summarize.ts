import type { Target } from '../sections/target';
import { median, ratio } from '../util/stats';
import type { NetworkDelay, NetworkSample } from './types';

/** Per delay and target: medians over rounds; ratios taken within each round, then their median. */
export function summarizeNetwork(
  samples: NetworkSample[],
  targets: Pick<Target, 'id' | 'label'>[],
  rtts: Record<string, { p10Ms: number; medianMs: number }>,
): NetworkDelay[] {
  const runs = [...new Set(samples.map((s) => `${s.delayMs}|${s.connections}`))];
  return runs.map((key) => {
    const [delayMs, connections] = key.split('|').map(Number);
    const here = samples.filter((s) => s.delayMs === delayMs && s.connections === connections);
    const rows = targets.map((t) => {
      const mine = here.filter((s) => s.target === t.id);
      const per = (base: string) =>
        median(
          mine.map((s) =>
            ratio(
              s.rps,
              here.find((o) => o.target === base && o.round === s.round)?.rps ?? Number.NaN,
            ),
          ),
        );
      const m = (pick: (s: NetworkSample) => number) => median(mine.map(pick));
      return {
        target: t.id,
        label: t.label,
        rps: m((s) => s.rps),
        p50Ms: m((s) => s.p50Ms),
        p99Ms: m((s) => s.p99Ms),
        cpuUsPerReq: m((s) => s.serverCpuUsPerReq),
        vsNone: per('none'),
        vsSessionRedis: per('session-redis'),
        non2xx: mine.reduce((sum, s) => sum + s.non2xx, 0),
        errors: mine.reduce((sum, s) => sum + s.errors, 0),
      };
    });
    return {
      delayMs,
      connections,
      connectRttMs: rtts[key]?.medianMs ?? Number.NaN,
      connectRttP10Ms: rtts[key]?.p10Ms ?? Number.NaN,
      rows,
    };
  });
}

/** a/b (req/s) in each round at one delay, in round order. */
export function networkPairRatios(
  samples: NetworkSample[],
  a: string,
  b: string,
  delayMs: number,
  connections: number,
): number[] {
  const at = samples.filter((s) => s.delayMs === delayMs && s.connections === connections);
  return at
    .filter((s) => s.target === a)
    .sort((x, y) => x.round - y.round)
    .map((s) =>
      ratio(s.rps, at.find((o) => o.target === b && o.round === s.round)?.rps ?? Number.NaN),
    );
}
