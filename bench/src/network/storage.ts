import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { startInNamespace, waitReady } from './ns-process';
import type { NsProcess } from './ns-process';

const idOf = (flag: '-u' | '-g', name: string) =>
  Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());

/**
 * A PostgreSQL server of the section's own, in the storage namespace: Debian's binaries,
 * initdb into a temporary directory, run as the postgres user (PostgreSQL refuses root),
 * listening only on the storage host's address. `trust` for the section's subnet: nothing
 * outside these namespaces can reach it. Removed with the directory at the end.
 */
export async function startPostgres(options: {
  ns: string;
  address: string;
  binDir: string;
  dir: string;
  logDir: string;
}): Promise<{ url: string; process: NsProcess }> {
  const { dir } = options;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chownSync(dir, idOf('-u', 'postgres'), idOf('-g', 'postgres'));
  const asPostgres = ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'];
  const data = path.join(dir, 'data');
  execFileSync(
    asPostgres[0],
    [
      ...asPostgres.slice(1),
      path.join(options.binDir, 'initdb'),
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  appendFileSync(path.join(data, 'pg_hba.conf'), '\nhost all all 10.77.0.0/16 trust\n');
  const postgres = startInNamespace({
    name: 'postgres',
    ns: options.ns,
    command: [
      ...asPostgres,
      path.join(options.binDir, 'postgres'),
      '-D',
      data,
      '-p',
      '5432',
      '-c',
      `listen_addresses=${options.address}`,
      '-c',
      `unix_socket_directories=${dir}`,
    ],
    logDir: options.logDir,
  });
  const url = `postgres://postgres@${options.address}:5432/postgres`;
  await waitReady(postgres, async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.end();
    return true;
  });
  return { url, process: postgres };
}

/** A redis-server of the section's own in the storage namespace, as nobody, nothing on disk. */
export async function startRedis(options: {
  ns: string;
  address: string;
  logDir: string;
}): Promise<{ url: string; process: NsProcess }> {
  const redis = startInNamespace({
    name: 'redis',
    ns: options.ns,
    command: [
      'setpriv',
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      'redis-server',
      '--bind',
      options.address,
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      // Protected mode refuses non-loopback clients without a password; the subnet exists
      // only inside this section's namespaces.
      '--protected-mode',
      'no',
      '--dir',
      '/tmp',
    ],
    logDir: options.logDir,
  });
  const url = `redis://${options.address}:6379`;
  await waitReady(redis, async () => {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  });
  return { url, process: redis };
}
