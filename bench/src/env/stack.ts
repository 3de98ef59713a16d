import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { BenchSettings } from '../settings';
import { log } from '../util/log';
import { BenchDatabases, seedSessionTable } from './databases';
import { writeExchangeClient } from './exchange-client';
import type { ExchangeClient } from './exchange-client';
import { loginSessions, registerUsers } from './identities';
import type { Credentials, LoggedIn } from './identities';
import type { TokenPool } from './pool';
import { mintRs256Tokens, setupPeers } from './peers';
import type { BetterAuthSessions, Peers } from './peers';
import { freePort, startNode } from './processes';
import type { ServiceProcess } from './processes';
import { DEFAULT_REDIS_PREFIX } from '@hybrid-auth/auth-guard';
import { benchKeys, connectRedis, deleteBenchKeys, seedSessionKeys } from './redis';
import {
  BENCH_AUDIENCE,
  DOWNSTREAM_AUDIENCES,
  ISSUER,
  benchMain,
  commonEnv,
  startAuthService,
  startDownstream,
} from './services';
import { mintHs256Tokens, opaqueSessionId, randomSecret, writeSigningKey } from './tokens';
import type { SigningKey, TokenProfile } from './tokens';

/** Everything the sections measure against, started once per run. */
export interface Stack {
  runId: string;
  settings: BenchSettings;
  /** This run's Redis keys (the revocation stream among them). */
  keys: ReturnType<typeof benchKeys>;
  logDir: string;
  auth: ServiceProcess;
  authDatabaseUrl: string;
  strategies: ServiceProcess;
  raw: ServiceProcess;
  signingKey: SigningKey;
  /** The bench's client of POST /auth/token (the exchange section). */
  exchangeClient: ExchangeClient;
  tokenProfile: TokenProfile;
  users: Credentials[];
  /** Real logins: the reused token pool and, for the refresh runs, their refresh tokens. */
  sessions: LoggedIn[];
  /** The same sessions with the time their access tokens were issued (see renewIfOlder). */
  pool: TokenPool;
  hs256Tokens: string[];
  opaqueIds: string[];
  /** The peers' credentials: RS256 tokens (passport-jwt + jwks-rsa), better-auth sessions. */
  peers: { rs256Tokens: string[]; betterAuth: BetterAuthSessions };
  /** Another strategies server (the profiled one), stopped with the stack. */
  startStrategies(name: string, extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  startDownstream(): Promise<ServiceProcess[]>;
  /** A database of this run, and a process to stop: both undone by the teardown, even on Ctrl-C. */
  createDatabase(purpose: string): Promise<string>;
  track(process: ServiceProcess): ServiceProcess;
}

/** Builds the stack; `teardown` undoes whatever part of it was built, even after a failure. */
export class StackBuilder {
  readonly runId = `bench_${Date.now().toString(36)}`;
  readonly keys = benchKeys(this.runId);
  private readonly databases = new BenchDatabases(this.runId);
  private readonly processes: ServiceProcess[] = [];
  private redis: Redis | undefined;
  private downstream: Promise<ServiceProcess[]> | undefined;
  private peers: Promise<Peers> | undefined;

  constructor(private readonly settings: BenchSettings) {}

  async build(): Promise<Stack> {
    const { settings, keys } = this;
    // First, so teardown can remove whatever keys this run leaves, whenever it fails.
    const redis = connectRedis();
    this.redis = redis;
    const logDir = path.join(settings.artefactsDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    const signingKey = writeSigningKey(path.join(settings.artefactsDir, 'signing-keys.json'));
    const exchangeClient = writeExchangeClient(path.join(settings.artefactsDir, 'clients.json'));
    const authDatabaseUrl = await this.databases.create('auth');
    log(`run ${this.runId}: starting auth-service`);
    const auth = this.track(
      await startAuthService({
        databaseUrl: authDatabaseUrl,
        stream: keys.revocationStream,
        signingKeysFile: signingKey.file,
        clientsFile: exchangeClient.clientsFile,
        logDir,
      }),
    );
    const startDownstreamOnce = () =>
      (this.downstream ??= startDownstream({
        authUrl: auth.url,
        stream: keys.revocationStream,
        logDir,
        database: (purpose) => this.databases.create(purpose),
      })
        .then((started) => started.map((p) => this.track(p)))
        .catch((error: unknown) => {
          // A start that timed out on a busy machine may be tried again by the next section.
          this.downstream = undefined;
          throw error;
        }));
    // A smoke run overlaps their slow start (migrations, three Node boots) with everything
    // else; a full run starts them only when propagation is measured, so they add no noise.
    if (
      settings.smoke &&
      (settings.sections.has('propagation') || settings.sections.has('services'))
    ) {
      startDownstreamOnce().catch(() => undefined);
    }
    // better-auth's scrypt sign-ups run in this process while auth-service hashes the logins.
    const peers = (this.peers = setupPeers({
      runId: this.runId,
      artefactsDir: settings.artefactsDir,
      logDir,
      smoke: settings.smoke,
      betterAuthDatabaseUrl: await this.databases.create('better_auth'),
      track: (p) => this.track(p),
    }));
    peers.catch(() => undefined);
    log(
      `registering ${settings.users} users and logging in ${settings.sessions} sessions (argon2id)`,
    );
    const users = await registerUsers(auth.url, this.runId, settings.users);
    const issuedAt = Date.now();
    const sessions = await loginSessions(auth.url, users, settings.sessions);
    const tokenProfile: TokenProfile = {
      issuer: ISSUER,
      audiences: [...DOWNSTREAM_AUDIENCES, BENCH_AUDIENCE, 'auth-service'],
      ttlSeconds: 900,
    };
    const hs256Secret = randomSecret();
    const opaque = sessions.map((s) => ({
      id: opaqueSessionId(),
      userId: s.userId,
      role: 'user' as const,
    }));
    const sessionsDatabaseUrl = await this.databases.create('sessions');
    await seedSessionTable(sessionsDatabaseUrl, opaque, settings.smoke ? 1000 : 100_000);
    await seedSessionKeys(redis, keys.sessionPrefix, opaque);

    const strategiesEnv = {
      AUTH_AUDIENCE: BENCH_AUDIENCE,
      AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`,
      BENCH_SESSIONS_DATABASE_URL: sessionsDatabaseUrl,
      BENCH_SESSION_PREFIX: keys.sessionPrefix,
      BENCH_HS256_SECRET: hs256Secret,
      ...(await peers).env,
    };
    const startStrategies = async (name: string, extraEnv: Record<string, string> = {}) => {
      const port = await freePort();
      return this.track(
        await startNode({
          name,
          script: benchMain('servers/strategies/main.js'),
          port,
          logDir,
          readyPath: '/health/ready',
          env: { ...commonEnv(port, keys.revocationStream), ...strategiesEnv, ...extraEnv },
        }),
      );
    };
    log('starting the strategies server and the raw node:http server');
    const rawPort = await freePort();
    const [strategies, raw] = await Promise.all([
      startStrategies('strategies'),
      startNode({
        name: 'raw-http',
        script: benchMain('servers/raw-http.js'),
        port: rawPort,
        logDir,
        readyPath: '/',
        env: { PORT: String(rawPort), HTTP_HOST: '127.0.0.1' },
      }).then((p) => this.track(p)),
    ]);
    return {
      runId: this.runId,
      keys,
      settings,
      logDir,
      auth,
      authDatabaseUrl,
      strategies,
      raw,
      signingKey,
      exchangeClient,
      tokenProfile,
      users,
      sessions,
      pool: { authUrl: auth.url, sessions, issuedAt },
      hs256Tokens: mintHs256Tokens(hs256Secret, tokenProfile, sessions),
      opaqueIds: opaque.map((o) => o.id),
      peers: {
        rs256Tokens: mintRs256Tokens((await peers).rs256Key, tokenProfile, sessions),
        betterAuth: (await peers).betterAuth,
      },
      startStrategies,
      startDownstream: startDownstreamOnce,
      createDatabase: (purpose) => this.databases.create(purpose),
      track: (p) => this.track(p),
    };
  }

  async teardown(): Promise<void> {
    // Services still starting would be missed by the stop below.
    await this.downstream?.catch(() => undefined);
    await Promise.all(this.processes.splice(0).map((p) => p.stop().catch(() => undefined)));
    // better-auth's pool in this process, before its database is dropped.
    await this.peers?.then((p) => p.betterAuth.close()).catch(() => undefined);
    await this.databases.dropAll();
    // The run's private signing key is of no use afterwards; it is not left lying around.
    rmSync(path.join(this.settings.artefactsDir, 'signing-keys.json'), { force: true });
    rmSync(path.join(this.settings.artefactsDir, 'clients.json'), { force: true });
    rmSync(path.join(this.settings.artefactsDir, 'peer-jwks.json'), { force: true });
    if (this.redis) {
      // The services put their deployment prefix (AUTH_REDIS_PREFIX, default) before the
      // stream name they were given: those keys are this run's too.
      let deleted = 0;
      for (const prefix of [this.keys.prefix, `${DEFAULT_REDIS_PREFIX}${this.keys.prefix}`])
        deleted += await deleteBenchKeys(this.redis, prefix).catch(() => 0);
      log(`removed ${deleted} Redis keys of this run`);
      this.redis.disconnect();
    }
  }

  private track(process: ServiceProcess): ServiceProcess {
    this.processes.push(process);
    return process;
  }
}
