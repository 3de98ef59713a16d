import { ServiceTokens } from '@hybrid-auth/auth-guard';
import { signAssertion } from '../env/exchange-client';
import type { ExchangeClient } from '../env/exchange-client';
import { ISSUER } from '../env/services';
import type { ExchangeAmortised, ExchangeCaller } from '../report/results';
import { median } from '../util/stats';

/** Microseconds per call of `work`, the median of five timed slices of `count` calls. */
async function usPerCall(count: number, work: () => unknown): Promise<number> {
  for (let i = 0; i < count; i += 1) await work();
  const slices: number[] = [];
  for (let slice = 0; slice < 5; slice += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i += 1) await work();
    slices.push(Number(process.hrtime.bigint() - start) / 1e3 / count);
  }
  return median(slices);
}

/**
 * The caller's side, against the running auth-service: what signing one assertion costs,
 * what a `ServiceTokens` cache hit costs, and how many exchanges the real `ServiceTokens`
 * makes for a burst of one user's calls (one, if it caches as it should).
 */
export async function measureCaller(
  client: ExchangeClient,
  tokenUrl: string,
  subjectToken: string,
  smoke: boolean,
): Promise<ExchangeCaller> {
  const count = smoke ? 50 : 1000;
  const assertionUs = await usPerCall(count, () => signAssertion(client, ISSUER));
  const tokens = new ServiceTokens({
    tokenUrl,
    issuer: ISSUER,
    clientId: client.id,
    privateKey: { key: client.privateKey, kid: client.kid },
  });
  const burst = smoke ? 20 : 200;
  // Concurrent first (they share one request), then one after the other (cache hits).
  await Promise.all(
    Array.from({ length: burst }, () => tokens.exchange(subjectToken, client.audience)),
  );
  for (let i = 0; i < burst; i += 1) await tokens.exchange(subjectToken, client.audience);
  const burstExchanges = tokens.counts.exchanges;
  const cacheHitUs = await usPerCall(count * 10, () =>
    tokens.exchange(subjectToken, client.audience),
  );
  return { assertionUs, cacheHitUs, burstCalls: 2 * burst, burstExchanges };
}

/**
 * What exchanging adds per request for a user making `perMinute` requests a minute through one
 * edge: ServiceTokens exchanges at most once per `intervalSec` (the token's lifetime less the
 * renewal margin), and at most once per request. `cost` is the measured exchange over an
 * ordinary request (medians of per-round ratios): server CPU, and p50 latency.
 */
export function amortise(
  perMinute: number,
  intervalSec: number,
  cost: { cpuRatio: number; p50Ratio: number },
): ExchangeAmortised {
  const exchangesPerMinute = Math.min(perMinute, 60 / intervalSec);
  const share = exchangesPerMinute / perMinute;
  return {
    perMinute,
    exchangesPerMinute,
    cpuPct: 100 * share * cost.cpuRatio,
    latencyPct: 100 * share * cost.p50Ratio,
  };
}
