// The infrastructure `npm start` needs: the PostgreSQL and Redis it was given (DATABASE_URL,
// REDIS_URL), or an embedded PostgreSQL (data kept in .data/postgres) and a local
// redis-server started for this run.
import path from 'node:path';
import { StartError } from '../failure';
import { freePortFrom } from '../ports';
import { startEmbeddedPostgres } from '../postgres/embedded';
import { redisServerBinary, startRedisServer } from '../redis';
import { REPO_ROOT } from '../repo';
import { say } from './say';

export interface Infra {
  postgresUrl: string;
  /** Set when this run started the embedded PostgreSQL. */
  embedded?: { port: number; dataDir: string };
  redisUrl?: string;
  /** Set when this run started redis-server. */
  localRedis?: number;
  stop(): Promise<void>;
}

export const DATA_DIR = path.join(REPO_ROOT, '.data', 'postgres');

/** Starts what `env` does not point at; on a failure, stops what it started and throws. */
export async function startInfra(env: NodeJS.ProcessEnv): Promise<Infra> {
  const infra: Infra = { postgresUrl: env.DATABASE_URL ?? '', stop: async () => undefined };
  const stops: (() => Promise<void>)[] = [];
  infra.stop = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    await startEach(env, infra, stops);
  } catch (error) {
    await infra.stop();
    throw error;
  }
  return infra;
}

async function startEach(
  env: NodeJS.ProcessEnv,
  infra: Infra,
  stops: (() => Promise<void>)[],
): Promise<void> {
  if (!env.DATABASE_URL) {
    say('Starting the embedded PostgreSQL…');
    const pg = await startEmbeddedPostgres({
      dataDir: DATA_DIR,
      port: await freePortFrom(54320),
      onLog: (line) => env.DEBUG === 'stack' && process.stderr.write(`[postgres] ${line}`),
    });
    stops.push(pg.stop);
    Object.assign(infra, {
      postgresUrl: pg.url,
      embedded: { port: pg.port, dataDir: pg.dataDir },
    });
  }
  if (env.REDIS_URL) {
    infra.redisUrl = env.REDIS_URL;
  } else {
    const binary = redisServerBinary();
    if (binary) {
      const redis = await startRedisServer(await freePortFrom(63790), binary).catch(
        (error: unknown) => {
          throw new StartError(
            `${String(error)}: set REDIS_URL=redis://host:6379, or uninstall redis-server to run without Redis`,
          );
        },
      );
      stops.push(() => redis.stop());
      Object.assign(infra, { redisUrl: redis.url, localRedis: redis.port });
    }
  }
}
