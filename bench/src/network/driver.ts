import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDatabase, withDatabase } from '@hybrid-auth/database';
import { AUTH, REPO_ROOT } from '@hybrid-auth/stack';
import { Redis } from 'ioredis';
import { seedSessionTable } from '../env/databases';
import { writeExchangeClient } from '../env/exchange-client';
import { loginSessions, registerUsers } from '../env/identities';
import { benchKeys, seedSessionKeys } from '../env/redis';
import {
  BENCH_AUDIENCE,
  DOWNSTREAM_AUDIENCES,
  ISSUER,
  authServiceEnv,
  benchMain,
  commonEnv,
} from '../env/services';
import { mintHs256Tokens, opaqueSessionId, randomSecret, writeSigningKey } from '../env/tokens';
import { Autocannon } from '../load/autocannon';
import { measured, setQuietWait } from '../load/measure';
import type { LoadGenerator } from '../load/types';
import { Wrk } from '../load/wrk';
import { checkTargets } from '../sections/targets';
import type { Target } from '../sections/targets';
import { log, sleep } from '../util/log';
import { DelayControl, connectRtt } from './delays';
import { answers2xx, startInNamespace, waitReady } from './ns-process';
import type { NsProcess } from './ns-process';
import { startPostgres, startRedis } from './storage';
import { summarizeNetwork } from './summarize';
import type { NetworkConfig, NetworkSample } from './types';

const PORT = 8080;

/**
 * The network section's driver: runs inside the load generator's namespace (so every request
 * it and its load generator send crosses the emulated network), starts PostgreSQL and Redis
 * in the storage namespace, auth-service in its own, the strategies server in the service's,
 * then measures every strategy at every delay, interleaved. Writes the samples to a file.
 */
async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as NetworkConfig;
  const { topology, logDir, workDir } = config;
  const { names, addresses } = topology;
  const started: NsProcess[] = [];
  const delays = new DelayControl(topology, config.mode, config.delayLineBinary, logDir);
  let redisClient: Redis | undefined;
  try {
    log(`network: PostgreSQL and Redis in ${names.store} (${addresses.store})`);
    const [pg, redis] = await Promise.all([
      startPostgres({
        ns: names.store,
        address: addresses.store,
        binDir: config.postgresBinDir,
        dir: config.postgresDir,
        logDir,
      }),
      startRedis({ ns: names.store, address: addresses.store, logDir }),
    ]);
    started.push(pg.process, redis.process);
    const authDb = withDatabase(pg.url, 'auth');
    const sessionsDb = withDatabase(pg.url, 'sessions');
    await ensureDatabase(authDb);
    await ensureDatabase(sessionsDb);
    const keys = benchKeys(config.runId);
    const signingKey = writeSigningKey(path.join(workDir, 'signing-keys.json'));
    const exchangeClient = writeExchangeClient(path.join(workDir, 'clients.json'));
    log(`network: auth-service in ${names.auth} (${addresses.auth})`);
    const authUrl = `http://${addresses.auth}:${PORT}`;
    const auth = startInNamespace({
      name: 'network-auth-service',
      ns: names.auth,
      command: [process.execPath, path.resolve(REPO_ROOT, AUTH.main)],
      env: {
        ...authServiceEnv(PORT, {
          databaseUrl: authDb,
          stream: keys.revocationStream,
          signingKeysFile: signingKey.file,
          clientsFile: exchangeClient.clientsFile,
        }),
        HTTP_HOST: addresses.auth,
        REDIS_URL: redis.url,
      },
      logDir,
    });
    started.push(auth);
    await waitReady(auth, () => answers2xx(`${authUrl}/health/ready`));
    log(`network: registering ${config.users} users, logging in ${config.sessions} sessions`);
    const users = await registerUsers(authUrl, config.runId, config.users);
    const sessions = await loginSessions(authUrl, users, config.sessions);
    const opaque = sessions.map((s) => ({
      id: opaqueSessionId(),
      userId: s.userId,
      role: 'user' as const,
    }));
    await seedSessionTable(sessionsDb, opaque, config.sessionFiller);
    redisClient = new Redis(redis.url, { maxRetriesPerRequest: 2 });
    await seedSessionKeys(redisClient, keys.sessionPrefix, opaque);
    const hs256Secret = randomSecret();
    const hs256Tokens = mintHs256Tokens(
      hs256Secret,
      {
        issuer: ISSUER,
        audiences: [...DOWNSTREAM_AUDIENCES, BENCH_AUDIENCE, 'auth-service'],
        ttlSeconds: 900,
      },
      sessions,
    );
    log(`network: the strategies server in ${names.svc} (${addresses.svc})`);
    const svcUrl = `http://${addresses.svc}:${PORT}`;
    const svc = startInNamespace({
      name: 'network-strategies',
      ns: names.svc,
      command: [process.execPath, benchMain('servers/strategies/main.js')],
      env: {
        ...commonEnv(PORT, keys.revocationStream),
        HTTP_HOST: addresses.svc,
        REDIS_URL: redis.url,
        AUTH_AUDIENCE: BENCH_AUDIENCE,
        AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
        BENCH_SESSIONS_DATABASE_URL: sessionsDb,
        BENCH_SESSION_PREFIX: keys.sessionPrefix,
        BENCH_HS256_SECRET: hs256Secret,
      },
      logDir,
    });
    started.push(svc);
    await waitReady(svc, () => answers2xx(`${svcUrl}/health/ready`));

    const access = sessions.map((s) => s.accessToken);
    const route = (id: string, label: string, tokens: readonly string[]): Target => ({
      id,
      label,
      url: `${svcUrl}/bench/${id}`,
      tokens,
      pid: svc.pid,
      counted: true,
    });
    const targets = [
      route('none', 'NestJS+Fastify, unguarded', access),
      route('hs256', 'JWT-only HS256, done well', hs256Tokens),
      route(
        'session-pg',
        'session-only, PostgreSQL lookup',
        opaque.map((o) => o.id),
      ),
      route(
        'session-redis',
        'session-only, Redis GET',
        opaque.map((o) => o.id),
      ),
      route('hybrid', 'hybrid (ours): ES256 + cache + deny-list', access),
    ];
    await checkTargets(targets);
    await delays.start();
    const loadgen: LoadGenerator = config.loadgen === 'wrk' ? new Wrk(workDir) : new Autocannon();
    setQuietWait(config.quietWaitMs);
    const samples: NetworkSample[] = [];
    const rtts: Record<string, { p10Ms: number; medianMs: number }> = {};
    for (const { delayMs, connections } of config.runs) {
      await delays.set(delayMs);
      const key = `${delayMs}|${connections}`;
      rtts[key] = await connectRtt(addresses.svc, PORT, 50);
      log(
        `network: one-way delay ${delayMs} ms (${config.mode}), ${connections} connections; ` +
          `TCP connect to the service: p10 ${rtts[key].p10Ms.toFixed(3)} ms, median ${rtts[key].medianMs.toFixed(3)} ms`,
      );
      await checkTargets(targets);
      for (const target of config.warmupSec > 0 ? targets : []) {
        await loadgen.get({
          url: target.url,
          connections,
          durationSec: config.warmupSec,
          tokens: target.tokens,
        });
      }
      for (let round = 0; round < config.rounds; round += 1) {
        const order = targets.map((_, i) => targets[(i + round) % targets.length]);
        for (const target of order) {
          const sample = await measured([svc.pid], () =>
            loadgen.get({
              url: target.url,
              connections,
              durationSec: config.durationSec,
              tokens: target.tokens,
            }),
          );
          log(
            `  ${delayMs} ms c=${connections} round ${round + 1} ${target.id.padEnd(14)}: ${Math.round(sample.rps)} req/s, ` +
              `p50 ${sample.p50Ms.toFixed(2)} ms, p99 ${sample.p99Ms.toFixed(2)} ms` +
              (sample.non2xx + sample.errors > 0
                ? `, ${sample.non2xx} non-2xx, ${sample.errors} errors`
                : ''),
          );
          samples.push({ ...sample, target: target.id, delayMs, round, connections });
          await sleep(200);
        }
      }
    }
    await delays.set(0);
    writeFileSync(
      config.resultsFile,
      JSON.stringify({ samples, delays: summarizeNetwork(samples, targets, rtts) }),
    );
  } finally {
    redisClient?.disconnect();
    await delays.stop().catch(() => undefined);
    // The services first, together (a few seconds' grace: nothing of theirs outlives the
    // run), then the storage they used. PostgreSQL: SIGINT is its fast shutdown.
    const storage = new Set(['postgres', 'redis']);
    const stop = (procs: NsProcess[]) =>
      Promise.all(
        procs.map((p) =>
          p.stop(p.name === 'postgres' ? 'SIGINT' : 'SIGTERM', 3000).catch(() => undefined),
        ),
      );
    await stop(started.filter((p) => !storage.has(p.name)));
    await stop(started.filter((p) => storage.has(p.name)));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
