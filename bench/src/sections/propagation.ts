import { performance } from 'node:perf_hooks';
import { login, postJson } from '../env/identities';
import type { Stack } from '../env/stack';
import type { PropagationResult } from '../report/results';
import { log, sleep } from '../util/log';
import { percentile } from '../util/stats';
import { Poller } from './poller';
import { StreamObserver } from './stream-observer';

const PREFIX: Record<string, string> = {
  'catalog-service': '/catalog/me',
  'orders-service': '/orders/me',
  'billing-service': '/billing/me',
};
export const STREAM_ROW = 'Redis stream (a bench reader, for reference)';

/**
 * Item 4: for each of N fresh sessions, every service is polled with the session's access
 * token, as fast as one connection allows, while the session logs out; the delay is from the
 * moment the logout response returned to the first 401 each service gave. The services are
 * the real downstream ones when built, plus the strategies server's hybrid route; a reader
 * of the stream shows which part of the delay is auth-service's.
 */
export async function runPropagation(stack: Stack, notes: string[]): Promise<PropagationResult> {
  const downstream = await stack.startDownstream().catch((error: unknown) => {
    notes.push(
      `Propagation: the downstream services did not start (${String(error).split('\n')[0]}).`,
    );
    return [];
  });
  if (downstream.length === 0) {
    notes.push(
      'Propagation was measured on the guard-only strategies server alone. TODO: re-run with catalog, orders and billing built.',
    );
  }
  const pollers = [
    ...downstream.map((s) => new Poller(s.name, `${s.url}${PREFIX[s.name]}`)),
    new Poller('bench-strategies (guard only)', `${stack.strategies.url}/bench/hybrid`),
  ];
  const observer = new StreamObserver(stack.keys.revocationStream);
  await sleep(200);
  const names = [...pollers.map((p) => p.name), STREAM_ROW];
  const delays = names.map(() => [] as number[]);
  const early = names.map(() => 0);
  const record = (index: number, at: number, returned: number) => {
    delays[index].push(Math.max(0, at - returned));
    if (at < returned) early[index] += 1;
  };
  log(`propagation: ${stack.settings.propagationSessions} sessions over ${names.join(', ')}`);
  try {
    for (let i = 0; i < stack.settings.propagationSessions; i += 1) {
      const session = await login(stack.auth.url, stack.users[i % stack.users.length]);
      await Promise.all(pollers.map((p) => untilAccepted(p, session.accessToken)));
      const refusals = Promise.all(pollers.map((p) => p.firstRefusal(session.accessToken, 5000)));
      const logout = await postJson(
        `${stack.auth.url}/auth/logout`,
        {},
        { authorization: `Bearer ${session.accessToken}` },
      ).catch((error: unknown) => ({ status: 0, body: String(error) }));
      const returned = performance.now();
      // The pollers stop by themselves (a 401 or their timeout): wait for them either way.
      const seen = await refusals;
      if (logout.status !== 204) {
        throw new Error(`logout answered ${logout.status}: ${JSON.stringify(logout.body)}`);
      }
      seen.forEach((at, index) => record(index, at, returned));
      record(pollers.length, observer.seenAt(session.sessionId) ?? Number.NaN, returned);
    }
  } finally {
    pollers.forEach((p) => p.close());
    await observer.stop();
  }
  return {
    sessions: stack.settings.propagationSessions,
    realServices: downstream.length > 0,
    services: names.map((name, index) => {
      const samples = delays[index].filter((d) => Number.isFinite(d));
      const missing = delays[index].length - samples.length;
      if (missing > 0)
        notes.push(`${name}: ${missing} sessions were never refused (seen) within 5 s.`);
      return {
        name,
        reference: name === STREAM_ROW,
        p50Ms: percentile(samples, 50),
        p99Ms: percentile(samples, 99),
        maxMs: percentile(samples, 100),
        beforeLogoutReturned: early[index],
        samples,
      };
    }),
  };
}

/** A fresh token may need a moment (billing waits for a fresh feed); also warms the guard's cache. */
async function untilAccepted(poller: Poller, token: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await poller.get(token)) === 200) return;
    await sleep(20);
  }
  throw new Error(`${poller.name} never accepted a fresh token`);
}
