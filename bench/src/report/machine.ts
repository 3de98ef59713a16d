import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';
import { POSTGRES_URL } from '../env/databases';
import { connectRedis } from '../env/redis';
import type { MachineInfo } from './results';

/** What the numbers were measured on; versions asked of the servers themselves. */
export async function describeMachine(): Promise<MachineInfo> {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  let postgres = 'unknown';
  let redis = 'unknown';
  const client = new Client({ connectionString: POSTGRES_URL });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v",
    );
    postgres = rows[0].v;
  } catch {
    // reported as unknown
  } finally {
    await client.end().catch(() => undefined);
  }
  const connection = connectRedis();
  try {
    const info = await connection.info('server');
    redis = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    // reported as unknown
  } finally {
    connection.disconnect();
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    redis,
    loadBefore: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  };
}
