import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loginSessions, registerUsers } from '../env/identities';
import type { Credentials } from '../env/identities';
import type { ServiceProcess } from '../env/processes';
import { startAuthService } from '../env/services';
import type { Stack } from '../env/stack';
import { runAutocannon } from '../load/autocannon';
import { measured } from '../load/measure';
import type { Sample } from '../load/measure';
import type { LoadResult } from '../load/types';
import type { ReplicaScaling } from '../report/results-scale';
import { log, sleep } from '../util/log';
import { median, ratio } from '../util/stats';
import { phaseSummary } from './phase';
import { RefreshChains } from './refresh-chains';

export interface ReplicaSettings {
  rounds: number;
  durationSec: number;
  users: number;
  sessions: number;
  refreshConnections: number;
  loginConnections: number;
}

type Kind = 'refresh' | 'login';

/**
 * Refresh and login throughput with one auth-service replica, then two, on the same
 * PostgreSQL database and Redis (a database of this section's own; the replicas share its
 * secrets key and the run's signing key, as a deployment's replicas do). The load generator
 * is two autocannon instances of half the connections each, both aimed at replica A (one
 * replica) or one at A and one at B (two): the same client either way, so the ratio shows
 * what the second replica changes. On this 2-core machine a second replica adds no CPU; what
 * it can show is the cost of the split (CPU per request) and contention in the database
 * (row locks, pool), sampled from pg_stat_activity while the load runs.
 */
export async function runReplicaScaling(
  stack: Stack,
  options: ReplicaSettings,
): Promise<ReplicaScaling> {
  const replicas: ServiceProcess[] = [];
  try {
    // The run's teardown drops it and stops the replicas too, should the run be interrupted.
    const databaseUrl = await stack.createDatabase('scale_auth');
    const common = {
      databaseUrl,
      stream: `${stack.keys.prefix}scale-revocations`,
      signingKeysFile: stack.signingKey.file,
      clientsFile: stack.exchangeClient.clientsFile,
      logDir: stack.logDir,
      secretsKey: randomBytes(32).toString('base64url'),
    };
    log('scale: starting two auth-service replicas on one database');
    // One after the other: the first runs the migrations.
    for (const name of ['auth-service-replica-a', 'auth-service-replica-b']) {
      replicas.push(stack.track(await startAuthService({ ...common, name })));
    }
    const [a, b] = replicas;
    const users = await registerUsers(a.url, `${stack.runId}-scale`, options.users);
    // Fresh chains for every refresh phase: a chain whose answer never came (cut off at the
    // end of a run, a timeout) is dropped, and a phase must not start short of chains.
    const refreshPhases = options.rounds * 2;
    const sessions = await loginSessions(a.url, users, options.sessions * refreshPhases);
    const chainsFor = (phase: number) =>
      new RefreshChains(
        a.url,
        sessions
          .slice(phase * options.sessions, (phase + 1) * options.sessions)
          .map((x) => x.refreshToken),
      );
    let refreshPhase = 0;
    const samples: { kind: Kind; replicas: number; sample: Sample; locks: Contention }[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      // Alternate which goes first, so a drift of the machine hits both alike.
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      for (const kind of ['refresh', 'login'] as Kind[]) {
        for (const count of order) {
          const targets = count === 1 ? [a, a] : [a, b];
          const connections =
            kind === 'refresh' ? options.refreshConnections : options.loginConnections;
          const chains = kind === 'refresh' ? chainsFor(refreshPhase++) : undefined;
          const request = () => (chains ? chains.request() : loginRequest(users));
          const watcher = new ContentionWatcher(databaseUrl);
          await watcher.start();
          const sample = await measured(
            targets.slice(0, count).map((t) => t.pid),
            () =>
              split(
                targets.map((t) => ({
                  url: t.url,
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  connections: Math.max(1, Math.round(connections / 2)),
                  duration: options.durationSec,
                  requests: [request()],
                })),
              ),
          );
          const locks = await watcher.stop();
          log(
            `  ${kind}, ${count} replica(s), round ${round + 1}: ${sample.rps.toFixed(0)}/s, ` +
              `p99 ${sample.p99Ms} ms, ${sample.serverCpuUsPerReq.toFixed(0)} us CPU/req, ` +
              `lock waits ${locks.lockWaits}, max active ${locks.maxActive}`,
          );
          samples.push({ kind, replicas: count, sample, locks });
          await sleep(300);
        }
      }
    }
    const kinds: Kind[] = ['refresh', 'login'];
    const pick = (kind: Kind, count: number) =>
      samples.filter((s) => s.kind === kind && s.replicas === count);
    const perRound = (kind: Kind, value: (s: Sample) => number) =>
      median(
        pick(kind, 2).map((two, i) => ratio(value(two.sample), value(pick(kind, 1)[i].sample))),
      );
    return {
      phases: kinds.flatMap((kind) =>
        [1, 2].map((count) => ({
          ...phaseSummary(
            `${kind}, ${count} replica${count > 1 ? 's' : ''}`,
            kind === 'refresh' ? options.refreshConnections : options.loginConnections,
            pick(kind, count).map((s) => s.sample),
          ),
          replicas: count,
          kind,
        })),
      ),
      ratios: kinds.map((kind) => ({
        kind,
        rps: perRound(kind, (s) => s.rps),
        cpuPerReq: perRound(kind, (s) => s.serverCpuUsPerReq),
      })),
      contention: kinds.flatMap((kind) =>
        [1, 2].map((count) => ({
          kind,
          replicas: count,
          lockWaits: Math.max(...pick(kind, count).map((s) => s.locks.lockWaits)),
          maxActive: Math.max(...pick(kind, count).map((s) => s.locks.maxActive)),
        })),
      ),
    };
  } finally {
    // Now, not at the teardown: they would otherwise run beside the sections after this one.
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

/**
 * Two autocannon runs side by side, read as one: requests add up, latency is the worse of the
 * two. Only 2xx answers count as requests (a refusal is cheap and would flatter the rate).
 */
async function split(runs: autocannon.Options[]): Promise<LoadResult> {
  const results = await Promise.all(runs.map((o) => runAutocannon(o)));
  const sum = (pick: (r: LoadResult) => number) => results.reduce((s, r) => s + pick(r), 0);
  const worst = (pick: (r: LoadResult) => number) => Math.max(...results.map(pick));
  const durationSec = worst((r) => r.durationSec);
  return {
    tool: 'autocannon',
    requests: sum((r) => r.requests - r.non2xx),
    durationSec,
    rps: sum((r) => (r.requests - r.non2xx) / r.durationSec),
    p50Ms: worst((r) => r.p50Ms),
    p90Ms: worst((r) => r.p90Ms),
    p99Ms: worst((r) => r.p99Ms),
    maxMs: worst((r) => r.maxMs),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    // Both run in this process: process.cpuUsage over the pair counts it twice. The larger.
    loadgenCpuSec: worst((r) => r.loadgenCpuSec),
  };
}

function loginRequest(users: Credentials[]): autocannon.Request {
  let next = Math.floor(Math.random() * users.length);
  return {
    method: 'POST',
    path: '/auth/login',
    setupRequest: (request) => {
      const user = users[next];
      next = (next + 1) % users.length;
      return { ...request, body: JSON.stringify(user) };
    },
  };
}

interface Contention {
  /** Samples (every 50 ms) of backends of the database waiting on a lock, summed. */
  lockWaits: number;
  /** Most backends of the database running a statement at once. */
  maxActive: number;
}

/** pg_stat_activity of one database, sampled while the load runs. */
class ContentionWatcher {
  private readonly client: Client;
  private timer: NodeJS.Timeout | undefined;
  private readonly seen: Contention = { lockWaits: 0, maxActive: 0 };
  private pending: Promise<void> = Promise.resolve();

  constructor(databaseUrl: string) {
    this.client = new Client({ connectionString: databaseUrl });
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.timer = setInterval(() => {
      this.pending = this.pending.then(() => this.sample()).catch(() => undefined);
    }, 50);
  }

  async stop(): Promise<Contention> {
    clearInterval(this.timer);
    await this.pending;
    await this.client.end();
    return this.seen;
  }

  private async sample(): Promise<void> {
    const { rows } = await this.client.query<{ active: number; locks: number }>(
      `SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
              count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS locks
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    this.seen.lockWaits += rows[0].locks;
    this.seen.maxActive = Math.max(this.seen.maxActive, rows[0].active);
  }
}
