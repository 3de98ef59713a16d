import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { machineCpuSeconds, processCpuSeconds } from '../env/processes';
import type { Stack } from '../env/stack';
import { mintAccessTokens } from '../env/tokens';
import type { SustainedRevocations } from '../report/results-scale';
import { log, sleep } from '../util/log';
import { mapLimit } from '../util/pool';
import { percentile } from '../util/stats';
import { Poller } from './poller';
import { STREAM_ROW } from './propagation';
import { PATH_DESCRIPTIONS, copySessions, revoker } from './scale-revocation-writes';
import type { Revocation, RevocationPath } from './scale-revocation-writes';
import { StreamObserver } from './stream-observer';

/** The route each downstream service answers with the caller's identity (as propagation.ts). */
const PREFIX_OF: Record<string, string> = {
  'catalog-service': '/catalog/me',
  'orders-service': '/orders/me',
  'billing-service': '/billing/me',
};

export interface SustainedSettings {
  ratePerSec: number;
  durationSec: number;
  /** Logouts in flight at most (keep-alive connections to auth-service). */
  connections: number;
  /** One revocation in this many is polled at every guard until refused. */
  pollEvery: number;
  /** How each revocation is made (see RevocationPath). */
  path: RevocationPath;
}

/**
 * Revocations at a steady rate through auth-service's real logout, for `durationSec`: an
 * open-loop schedule (a logout is sent when due, whether the earlier ones answered or not),
 * so a service that cannot keep up shows as a lower achieved rate and a growing latency. Every
 * revocation is followed in the stream (the bench's reader, as in the propagation section);
 * one in `pollEvery` is also polled at every guard from its 204 until the first 401. At the
 * end every revoked token is presented once more to every guard: any 200 is a lost revocation.
 */
export async function runSustainedRevocations(
  stack: Stack,
  options: SustainedSettings,
  notes: string[],
): Promise<SustainedRevocations> {
  const count = Math.round(options.ratePerSec * options.durationSec);
  const downstream = await stack.startDownstream().catch(() => []);
  const guards = [
    ...downstream.map((s) => ({ name: s.name, pid: s.pid, url: `${s.url}${PREFIX_OF[s.name]}` })),
    {
      name: 'bench-strategies (guard only)',
      pid: stack.strategies.pid,
      url: `${stack.strategies.url}/bench/hybrid`,
    },
  ];
  log(
    `scale: ${count} sessions for ${options.ratePerSec} revocations/s over ${options.durationSec} s`,
  );
  const subjects = await copySessions(stack.authDatabaseUrl, count);
  const tokens = mintAccessTokens(stack.signingKey, stack.tokenProfile, subjects, count);
  const revocations: Revocation[] = subjects.map((s, i) => ({
    ...s,
    token: tokens[i],
    sampled: i % options.pollEvery === 0,
    dueAt: Number.NaN,
    returnedAt: Number.NaN,
    status: 0,
  }));
  // The sampled tokens are in use before their logout (in the guards' caches), as in production.
  const warm = guards.flatMap((g) =>
    revocations.filter((r) => r.sampled).map((r) => ({ guard: g, token: r.token })),
  );
  const warmer = guards.map((g) => new Poller(g.name, g.url));
  await mapLimit(warm, guards.length, async ({ guard, token }) => {
    const status = await warmer[guards.indexOf(guard)].get(token);
    if (status !== 200) throw new Error(`${guard.name} refused a live session's token (${status})`);
  });
  warmer.forEach((p) => p.close());

  const observer = new StreamObserver(stack.keys.revocationStream);
  const pollers = guards.map(() => [] as Poller[]);
  const delays = guards.map(() => [] as number[]);
  const lostAt = guards.map(() => 0);
  const polls: Promise<void>[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const authUrl = new URL(stack.auth.url);
  const pool = new Pool({ connectionString: stack.authDatabaseUrl, max: options.connections });
  const revoke = revoker(options.path, agent, authUrl, pool);
  await sleep(200);

  const pids = [stack.auth.pid, ...guards.map((g) => g.pid)];
  const cpuBefore = pids.map(processCpuSeconds);
  const machineBefore = machineCpuSeconds().busy;
  const loadgenBefore = process.cpuUsage();
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  let sent = 0;
  let skipped = 0;
  let waiting = 0;
  log(`scale: revoking at ${options.ratePerSec}/s (${options.connections} connections)`);
  while (sent < count) {
    const now = performance.now();
    const due = Math.min(count, Math.floor(((now - started) / 1000) * options.ratePerSec) + 1);
    const batch: Revocation[] = [];
    for (; sent < due; sent += 1) {
      const r = revocations[sent];
      r.dueAt = started + (sent * 1000) / options.ratePerSec;
      // Open loop, but bounded: a service that falls behind does not get an endless queue.
      if (waiting >= options.connections * 4) {
        skipped += 1;
        r.status = -1;
        continue;
      }
      waiting += 1;
      batch.push(r);
    }
    // `batch`: what fell due since the last tick, one transaction; otherwise one each.
    const groups = options.path === 'batch' ? [batch] : batch.map((r) => [r]);
    for (const group of groups.filter((g) => g.length > 0)) {
      inflight.push(
        revoke(group).then((status) => {
          const at = performance.now();
          for (const r of group) {
            waiting -= 1;
            r.status = status;
            r.returnedAt = at;
            if (r.sampled && status === 204) polls.push(follow(r));
          }
        }),
      );
    }
    await sleep(2);
  }
  await Promise.all(inflight);
  const elapsedSec = (performance.now() - started) / 1000;
  const cpuAfter = pids.map(processCpuSeconds);
  const machine = machineCpuSeconds().busy - machineBefore;
  const loadgen = process.cpuUsage(loadgenBefore);
  await Promise.all(polls);
  agent.destroy();
  await pool.end();
  pollers.flat().forEach((p) => p.close());

  function follow(r: Revocation): Promise<void> {
    return Promise.all(
      guards.map(async (_, g) => {
        const poller = pollers[g].pop() ?? new Poller(guards[g].name, guards[g].url);
        const at = await poller.firstRefusal(r.token, 5000);
        pollers[g].push(poller);
        if (Number.isNaN(at)) lostAt[g] += 1;
        else delays[g].push(Math.max(0, at - r.returnedAt));
      }),
    ).then(() => undefined);
  }

  // The stream: every revocation, read or not within 5 s of the last logout.
  const done = revocations.filter((r) => r.status === 204);
  for (let waited = 0; waited < 5000; waited += 100) {
    if (done.every((r) => observer.seenAt(r.sessionId) !== undefined)) break;
    await sleep(100);
  }
  await observer.stop();
  const streamDelays = done
    .map((r) => observer.seenAt(r.sessionId))
    .map((at, i) => (at === undefined ? Number.NaN : Math.max(0, at - done[i].returnedAt)));
  const streamLost = streamDelays.filter((d) => Number.isNaN(d)).length;

  log(`scale: presenting the ${done.length} revoked tokens to ${guards.length} guard(s) again`);
  const finalCheck = [];
  for (const guard of guards) {
    // Each is a first sight (an ECDSA verification): all of them at the guard-only server,
    // one in five (and every polled one) at the real services, to keep the CPU bill small.
    const all = guard.pid === stack.strategies.pid;
    const presented = done.filter((r, i) => all || r.sampled || i % 5 === 0);
    const checkers = Array.from({ length: 8 }, () => new Poller(guard.name, guard.url));
    const statuses = await mapLimit(presented, checkers.length, (r, i) =>
      checkers[i % checkers.length].get(r.token),
    );
    checkers.forEach((p) => p.close());
    finalCheck.push({
      name: guard.name,
      checked: presented.length,
      accepted: statuses.filter((s) => s === 200).length,
    });
  }

  const failed = revocations.length - done.length - skipped;
  if (failed > 0) notes.push(`Scale: ${failed} logouts did not answer 204.`);
  if (skipped > 0)
    notes.push(
      `Scale: auth-service fell behind ${options.ratePerSec} logouts/s: ${skipped} due logouts were not sent.`,
    );
  const latencies = done.map((r) => r.returnedAt - r.dueAt);
  const authCpu = cpuAfter[0] - cpuBefore[0];
  const guardsCpu = cpuAfter.slice(1).reduce((s, v, i) => s + v - cpuBefore[i + 1], 0);
  const loadgenCpu = (loadgen.user + loadgen.system) / 1e6;
  const pct = (seconds: number) => (100 * seconds) / elapsedSec;
  const row = (name: string, samples: number[], lost: number, reference: boolean) => ({
    name,
    reference,
    samples: samples.length,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    maxMs: percentile(samples, 100),
    lost,
  });
  return {
    path: PATH_DESCRIPTIONS[options.path],
    targetPerSec: options.ratePerSec,
    durationSec: options.durationSec,
    connections: options.connections,
    sent: revocations.length - skipped,
    skipped,
    completed: done.length,
    failed,
    achievedPerSec: done.length / elapsedSec,
    logoutP50Ms: percentile(latencies, 50),
    logoutP99Ms: percentile(latencies, 99),
    authCpuUsPerLogout: (authCpu * 1e6) / Math.max(1, done.length),
    observers: [
      ...guards.map((g, i) => row(g.name, delays[i], lostAt[i], false)),
      row(
        STREAM_ROW,
        streamDelays.filter((d) => !Number.isNaN(d)),
        streamLost,
        true,
      ),
    ],
    finalCheck,
    pollEvery: options.pollEvery,
    pollIntervalMs: 0,
    cpu: {
      authPct: pct(authCpu),
      guardsPct: pct(guardsCpu),
      loadgenPct: pct(loadgenCpu),
      otherPct: Math.max(0, pct(machine - authCpu - guardsCpu - loadgenCpu)),
    },
  };
}
