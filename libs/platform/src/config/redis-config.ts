import type { RedisOptions } from 'ioredis';
import { readRedisUrl } from './database-config';
import type { EnvReader } from './env-reader';

/**
 * Where a service finds Redis: a URL (one server), or ioredis options naming the sentinels
 * that know the current primary. Both go to ioredis as they are (see `createRedisClient`).
 */
export type RedisConnection = string | RedisOptions;

const HOST_PORT = /^\[?([A-Za-z0-9.:-]+?)\]?:(\d{1,5})$/;

/**
 * REDIS_URL, or REDIS_SENTINELS (host:port,host:port…) with REDIS_SENTINEL_NAME (the primary's
 * name in the sentinels' configuration). With sentinels, the ACL user is REDIS_USERNAME and its
 * password REDIS_PASSWORD (or `_FILE`), as for a URL; REDIS_SENTINEL_PASSWORD is for sentinels
 * that require one of their own. Undefined when neither is configured.
 */
export function readRedisConnection(read: EnvReader): RedisConnection | undefined {
  const list = read.optionalString('REDIS_SENTINELS');
  if (list === undefined) {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_USERNAME', 'REDIS_SENTINEL_PASSWORD'])
      if (read.optionalString(name) !== undefined)
        read.fail(`${name} is set but REDIS_SENTINELS is not`);
    return readRedisUrl(read);
  }
  if (read.optionalString('REDIS_URL') !== undefined)
    read.fail('REDIS_URL and REDIS_SENTINELS are both set; set one of them');
  const entries = list.split(',').map((entry) => entry.trim());
  // A handful of sentinels is the norm (3 or 5); bound what a typo can make us dial.
  if (entries.length > 16) read.fail('REDIS_SENTINELS lists more than 16 sentinels');
  const sentinels = entries.slice(0, 16).flatMap((entry) => {
    const match = HOST_PORT.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      read.fail(`REDIS_SENTINELS: "${entry}" is not host:port`);
      return [];
    }
    return [{ host: match[1], port }];
  });
  const name = read.string('REDIS_SENTINEL_NAME');
  if (name !== '' && !/^[A-Za-z0-9._-]{1,64}$/.test(name))
    read.fail('REDIS_SENTINEL_NAME must be letters, digits, . _ - (at most 64)');
  const username = read.optionalString('REDIS_USERNAME');
  const password = read.optionalString('REDIS_PASSWORD');
  const sentinelPassword = read.optionalString('REDIS_SENTINEL_PASSWORD');
  return {
    sentinels,
    name,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
  };
}
