import { ConfigError, EnvReader } from './env-reader';
import { readRedisConnection } from './redis-config';
import { readGuardConfig } from './guard-config';

const readConnection = (env: Record<string, string>) => {
  const reader = new EnvReader(env, (file) => (file === '/run/secrets/redis' ? 'from-file\n' : ''));
  const connection = readRedisConnection(reader);
  reader.done();
  return connection;
};

describe('readRedisConnection', () => {
  it('gives ioredis sentinel options from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    expect(
      readConnection({
        REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.2:26380,[::1]:26381',
        REDIS_SENTINEL_NAME: 'hybrid-auth',
      }),
    ).toEqual({
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'hybrid-auth',
    });
  });

  it('takes the ACL user and its password (also from a file) and the sentinels’ own password', () => {
    expect(
      readConnection({
        REDIS_SENTINELS: 's:26379',
        REDIS_SENTINEL_NAME: 'main',
        REDIS_USERNAME: 'guard',
        REDIS_PASSWORD_FILE: '/run/secrets/redis',
        REDIS_SENTINEL_PASSWORD: 'sentinel secret',
      }),
    ).toEqual({
      sentinels: [{ host: 's', port: 26379 }],
      name: 'main',
      username: 'guard',
      password: 'from-file',
      sentinelPassword: 'sentinel secret',
    });
  });

  it('is the URL of REDIS_URL without sentinels, and undefined without either', () => {
    expect(readConnection({ REDIS_URL: 'redis://cache:6379' })).toBe('redis://cache:6379');
    expect(readConnection({})).toBeUndefined();
  });

  it('refuses a malformed list, a missing name, both forms at once and stray sentinel settings', () => {
    const refused: Record<string, string>[] = [
      { REDIS_SENTINELS: 's:26379' },
      { REDIS_SENTINELS: 's', REDIS_SENTINEL_NAME: 'm' },
      { REDIS_SENTINELS: 's:0', REDIS_SENTINEL_NAME: 'm' },
      { REDIS_SENTINELS: 's:70000', REDIS_SENTINEL_NAME: 'm' },
      { REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'a name' },
      { REDIS_SENTINELS: Array(17).fill('s:1').join(','), REDIS_SENTINEL_NAME: 'm' },
      { REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://x:6379' },
      { REDIS_SENTINEL_NAME: 'm' },
      { REDIS_URL: 'redis://x:6379', REDIS_USERNAME: 'guard' },
    ];
    for (const env of refused) expect(() => readConnection(env)).toThrow(ConfigError);
  });
});

describe('readGuardConfig with sentinels', () => {
  it('hands the sentinel options to the revocation feed, which a strict service accepts', () => {
    const reader = new EnvReader({
      REDIS_SENTINELS: 's:26379',
      REDIS_SENTINEL_NAME: 'main',
      AUTH_STRICT: 'true',
    });
    const guard = readGuardConfig(reader, { audience: 'billing-service' });
    reader.done();
    expect(guard.revocation?.redis).toEqual({
      sentinels: [{ host: 's', port: 26379 }],
      name: 'main',
    });
  });
});
