import { POOL_MAX_AGE_MS, renewIfOlder } from '../env/pool';
import type { ServiceProcess } from '../env/processes';
import type { Stack } from '../env/stack';
import { measured } from '../load/measure';
import type { LoadGenerator } from '../load/types';
import type {
  ServiceRouteSample,
  ServiceSummary,
  ServicesResult,
} from '../report/results-services';
import { log, sleep } from '../util/log';
import { median, ratio } from '../util/stats';

/**
 * The cheapest guarded read of each real service, and its unguarded route. `GET /<prefix>/me`
 * answers who the caller is from the verified token alone (no database, no call), so it is
 * the guarded route that does least besides authenticating; `/health/live` is the cheapest
 * unguarded one (the only public routes otherwise read PostgreSQL: catalog's products).
 */
export const SERVICE_ROUTES: Record<string, { guarded: string; unguarded: string }> = {
  'catalog-service': { guarded: '/catalog/me', unguarded: '/health/live' },
  'orders-service': { guarded: '/orders/me', unguarded: '/health/live' },
  'billing-service': { guarded: '/billing/me', unguarded: '/health/live' },
};

/** The setting: wrk, one thread, 50 connections. */
const CONNECTIONS = 50;

/**
 * Item 5 of round two: the real downstream services from their dist (as propagation starts
 * them), each measured on a guarded route against an unguarded route of the same process.
 * Every round runs, for each service in turn (the first service rotated), both routes back to
 * back (which one first alternates by round), so each ratio compares runs seconds apart.
 * Both routes get the same Authorization headers: the public one ignores its token.
 */
export async function runServices(stack: Stack, loadgen: LoadGenerator): Promise<ServicesResult> {
  const { settings } = stack;
  // Their start (migrations, three Node boots) can time out on a busy machine: once more.
  const started = await stack.startDownstream().catch((error: unknown) => {
    log(
      `services: the downstream services did not start (${String(error).split('\n')[0]}); retrying`,
    );
    return stack.startDownstream();
  });
  const services = started.filter((s) => SERVICE_ROUTES[s.name] !== undefined);
  if (services.length === 0) throw new Error('the downstream services are not built');
  await renewIfOlder(stack.pool, POOL_MAX_AGE_MS);
  const tokens = stack.pool.sessions.map((s) => s.accessToken);
  const connections = settings.smoke ? Math.min(CONNECTIONS, settings.connections) : CONNECTIONS;
  for (const service of services) await check(service, tokens);
  if (settings.warmupSec > 0) {
    log(`services: warming up each route for ${settings.warmupSec} s`);
    for (const service of services) {
      for (const kind of ['guarded', 'unguarded'] as const) {
        await loadgen.get({
          url: url(service, kind),
          connections,
          durationSec: settings.warmupSec,
          tokens,
        });
      }
    }
  }
  const samples: ServiceRouteSample[] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = services.map((_, i) => services[(i + round) % services.length]);
    for (const service of order) {
      const kinds =
        round % 2 === 0 ? (['guarded', 'unguarded'] as const) : (['unguarded', 'guarded'] as const);
      for (const kind of kinds) {
        const sample = await measured([service.pid], () =>
          loadgen.get({
            url: url(service, kind),
            connections,
            durationSec: settings.durationSec,
            tokens,
          }),
        );
        log(
          `  round ${round + 1} ${service.name.padEnd(16)} ${kind.padEnd(9)} ${SERVICE_ROUTES[service.name][kind].padEnd(13)}: ` +
            `${Math.round(sample.rps)} req/s, p99 ${sample.p99Ms.toFixed(2)} ms, ` +
            `${sample.serverCpuUsPerReq.toFixed(0)} us CPU/req` +
            (sample.non2xx + sample.errors > 0
              ? `, ${sample.non2xx} non-2xx, ${sample.errors} errors`
              : ''),
        );
        samples.push({ ...sample, service: service.name, kind, round, connections });
        await sleep(300);
      }
    }
  }
  return {
    connections,
    samples,
    summaries: services.map((s) => summarize(s.name, samples)),
  };
}

const url = (service: ServiceProcess, kind: 'guarded' | 'unguarded') =>
  `${service.url}${SERVICE_ROUTES[service.name][kind]}`;

/** Both routes must answer 200 to the pool's tokens: a refusal would be measured as a cheap 401. */
async function check(service: ServiceProcess, tokens: readonly string[]): Promise<void> {
  for (const kind of ['guarded', 'unguarded'] as const) {
    // billing is strict: its guard refuses (503) until it has heard the relay's heartbeat.
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(url(service, kind), {
        headers: { authorization: `Bearer ${tokens[0]}` },
      });
      const body = await response.text();
      if (response.status === 200) break;
      if (attempt >= 50) {
        throw new Error(`${service.name} ${kind} answered ${response.status}: ${body}`);
      }
      await sleep(100);
    }
  }
}

/** Medians over rounds; the ratios (guarded / unguarded) are taken within each round first. */
export function summarize(service: string, samples: ServiceRouteSample[]): ServiceSummary {
  const mine = samples.filter((s) => s.service === service);
  const rounds = [...new Set(mine.map((s) => s.round))].sort((a, b) => a - b);
  const pair = (round: number) => ({
    guarded: mine.find((s) => s.round === round && s.kind === 'guarded'),
    unguarded: mine.find((s) => s.round === round && s.kind === 'unguarded'),
  });
  const ratios = rounds.map((r) => {
    const { guarded, unguarded } = pair(r);
    return ratio(guarded?.rps ?? Number.NaN, unguarded?.rps ?? Number.NaN);
  });
  const cpuBeyond = rounds.map((r) => {
    const { guarded, unguarded } = pair(r);
    return (
      (guarded?.serverCpuUsPerReq ?? Number.NaN) - (unguarded?.serverCpuUsPerReq ?? Number.NaN)
    );
  });
  const cpuRatios = rounds.map((r) => {
    const { guarded, unguarded } = pair(r);
    return ratio(
      unguarded?.serverCpuUsPerReq ?? Number.NaN,
      guarded?.serverCpuUsPerReq ?? Number.NaN,
    );
  });
  const route = (kind: 'guarded' | 'unguarded') => {
    const of = mine.filter((s) => s.kind === kind);
    const m = (pick: (s: ServiceRouteSample) => number) => median(of.map(pick));
    return {
      path: SERVICE_ROUTES[service][kind],
      rps: m((s) => s.rps),
      p50Ms: m((s) => s.p50Ms),
      p99Ms: m((s) => s.p99Ms),
      cpuUsPerReq: m((s) => s.serverCpuUsPerReq),
      failed: of.reduce((sum, s) => sum + s.non2xx + s.errors, 0),
      otherCpuPct: m((s) => s.otherCpuPct),
    };
  };
  return {
    service,
    guarded: route('guarded'),
    unguarded: route('unguarded'),
    ratio: median(ratios),
    ratios,
    cpuBeyondUs: median(cpuBeyond),
    cpuRatio: median(cpuRatios),
    cpuRatios,
  };
}
